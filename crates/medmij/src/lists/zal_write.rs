//! Writes a Zorgaanbiederslijst in the release it carries.

use super::values::format_tijdstempel;
use super::write::XmlWriter;
use super::zal::{ZalGegevensdienst, ZalRelease, Zorgaanbiederslijst};

/// Writes the list. A `release2` list gets the gegevensdiensten of all interface versions merged
/// under each Zorgaanbieder, because that release has no interface versions.
pub(crate) fn write(list: &Zorgaanbiederslijst) -> String {
    let mut writer = XmlWriter::new("Zorgaanbiederslijst", list.release.namespace());
    writer.text("Tijdstempel", &format_tijdstempel(list.tijdstempel));
    writer.text("Volgnummer", &list.volgnummer.to_string());
    writer.open("Zorgaanbieders");
    for zorgaanbieder in &list.zorgaanbieders {
        writer.open("Zorgaanbieder");
        writer.text("Zorgaanbiedernaam", &zorgaanbieder.naam);
        match list.release {
            ZalRelease::Release2 => {
                writer.open("Gegevensdiensten");
                for gegevensdienst in zorgaanbieder.gegevensdiensten() {
                    write_gegevensdienst(&mut writer, gegevensdienst, false);
                }
                writer.close();
            }
            ZalRelease::Release3 => {
                let aanbiedertype = zorgaanbieder
                    .aanbiedertype
                    .map_or("ZA", |aanbiedertype| aanbiedertype.as_str());
                writer.text("Aanbiedertype", aanbiedertype);
                writer.open("Interfaceversies");
                for version in &zorgaanbieder.interfaceversies {
                    writer.open("Interfaceversie");
                    writer.text("InterfaceversieId", version.id.as_deref().unwrap_or("2"));
                    writer.open("Gegevensdiensten");
                    for gegevensdienst in &version.gegevensdiensten {
                        write_gegevensdienst(&mut writer, gegevensdienst, true);
                    }
                    writer.close();
                    writer.close();
                }
                writer.close();
            }
        }
        writer.close();
    }
    writer.finish()
}

fn write_gegevensdienst(
    writer: &mut XmlWriter,
    gegevensdienst: &ZalGegevensdienst,
    release3: bool,
) {
    writer.open("Gegevensdienst");
    writer.text("GegevensdienstId", gegevensdienst.id.as_str());
    writer.open("AuthorizationEndpoint");
    writer.text(
        "AuthorizationEndpointuri",
        &gegevensdienst.authorization_endpoint,
    );
    writer.close();
    writer.open("TokenEndpoint");
    writer.text("TokenEndpointuri", &gegevensdienst.token_endpoint);
    writer.close();
    if release3 && let Some(abonneren) = &gegevensdienst.abonneren {
        writer.open("Abonneren");
        writer.text("MaximaleDuur", &abonneren.maximale_duur.to_string());
        writer.text("SubscriptionEndpointuri", &abonneren.subscription_endpoint);
        writer.close();
    }
    writer.open("Systeemrollen");
    for systeemrol in &gegevensdienst.systeemrollen {
        writer.open("Systeemrol");
        writer.text("Systeemrolcode", &systeemrol.code);
        writer.open("ResourceEndpoint");
        writer.text("ResourceEndpointuri", &systeemrol.resource_endpoint);
        writer.close();
        writer.close();
    }
    writer.close();
    writer.close();
}
