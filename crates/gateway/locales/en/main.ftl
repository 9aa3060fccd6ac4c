# Patient screen texts in English. The Dutch originals are in ../nl/main.ftl.

site-name = lspplus
lang-switch = Nederlands
lang-switch-label = Lees deze pagina in het Nederlands
skip-link = Skip to content

landing-title = Fetch your data
landing-intro = { $pgo } wants to fetch data from { $provider }.
landing-steps = First you log in with DigiD. Then we ask for your consent. You can stop at any time.
landing-login = Log in with DigiD
landing-stop = Stop

consent-title = Do you give consent?
consent-question = Do you want { $pgo } to fetch your data from { $provider }?
consent-services = This is about the following data:
consent-why = { $pgo } is your personal health environment. That is where you see your data. Your care provider does not see what you do there.
consent-once = If you say yes now, it counts for this time only.
consent-indefinite-label = I give consent for an indefinite period.
consent-indefinite-help = Then { $pgo } also fetches your data later without a new login. The consent ends when it is not used for 6 months. You can withdraw it in { $pgo } at any time.
consent-yes = Yes, I give consent
consent-no = No, I do not give consent

cancel-title = You stopped
cancel-text = You stopped logging in. No data was fetched.
cancel-retry = Try again
cancel-back = Back to { $pgo }

error-title = Something went wrong
error-text = A technical error occurred. It is not your fault. Please try again later.
error-codes = If you contact the helpdesk, please give them these codes:
error-trace = Trace ID
error-session = Session ID
error-back = Back to { $pgo }

invalid-title = This request is not valid
invalid-text = The app that sent you here made a request that we cannot carry out. That is why we do not send you back. Close this window and try again from the app.
invalid-reason = Reason:

expired-title = You waited too long
expired-text = This page has expired or was already used. Go back to the app and start again.
