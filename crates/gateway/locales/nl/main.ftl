# Schermteksten voor patiënten, taalniveau B1. De Engelse vertaling staat in ../en/main.ftl.

site-name = lspplus
lang-switch = English
lang-switch-label = Read this page in English
skip-link = Naar de inhoud

landing-title = Uw gegevens ophalen
landing-intro = { $pgo } wil gegevens ophalen bij { $provider }.
landing-steps = Eerst logt u in met DigiD. Daarna vragen we of u toestemming geeft. U kunt altijd nog stoppen.
landing-login = Inloggen met DigiD
landing-stop = Stoppen

consent-title = Geeft u toestemming?
consent-question = Wilt u dat { $pgo } uw gegevens ophaalt bij { $provider }?
consent-services = Het gaat om deze gegevens:
consent-why = { $pgo } is uw persoonlijke gezondheidsomgeving. Daar ziet u uw gegevens. Uw zorgverlener ziet niet wat u daar doet.
consent-once = Als u nu ja zegt, geldt dat alleen voor deze keer.
consent-indefinite-label = Ik geef toestemming voor onbepaalde tijd.
consent-indefinite-help = Dan haalt { $pgo } uw gegevens later ook op zonder dat u opnieuw inlogt. De toestemming stopt als u haar 6 maanden niet gebruikt. U kunt haar altijd intrekken in { $pgo }.
consent-yes = Ja, ik geef toestemming
consent-no = Nee, ik geef geen toestemming

cancel-title = U bent gestopt
cancel-text = U bent gestopt met inloggen. Er zijn geen gegevens opgehaald.
cancel-retry = Opnieuw proberen
cancel-back = Terug naar { $pgo }

error-title = Er ging iets mis
error-text = Er is een technische fout. Het ligt niet aan u. Probeer het later nog eens.
error-codes = Neemt u contact op met de helpdesk? Geef dan deze codes door:
error-trace = Trace ID
error-session = Sessie ID
error-back = Terug naar { $pgo }

invalid-title = Deze aanvraag klopt niet
invalid-text = De app die u hierheen stuurde, deed een aanvraag die wij niet kunnen uitvoeren. Daarom sturen we u niet terug. Sluit dit venster en probeer het opnieuw vanuit de app.
invalid-reason = Reden:

expired-title = Te lang gewacht
expired-text = Deze pagina is verlopen of al gebruikt. Ga terug naar de app en begin opnieuw.
