import pytest

from unmask.record import services
from unmask.record.models import Link, Organization, OrganizationName, Site


def test_same_normalized_name_and_country_warns_before_saving(make_org):
    make_org("Şahin Havacılık Sanayi A.Ş.", country="TR")
    with pytest.raises(services.DuplicateOrganization) as exc:
        services.create_organization(name="SAHIN HAVACILIK SANAYI AS", country="TR", kind="company")
    assert (
        "may already be in the record: Şahin Havacılık Sanayi A.Ş. (same name and country)"
        in exc.value.messages[0]
    )
    assert Organization.objects.count() == 1


def test_legal_forms_do_not_hide_a_duplicate(make_org):
    make_org("Korvex Aerodynamics GmbH")
    assert services.find_duplicate_organizations("Korvex Aerodynamics", "DE")


def test_same_name_in_another_country_is_not_a_duplicate(make_org):
    make_org("Korvex Aerodynamics", country="DE")
    org = services.create_organization(name="Korvex Aerodynamics", country="AT", kind="company")
    assert org.pk


def test_a_shared_identifier_warns_whatever_the_name(make_org):
    make_org("Lindqvist Composites", country="SE", identifiers=[("lei", "5493 00ABCDEF12345697")])
    with pytest.raises(services.DuplicateOrganization, match="same Legal Entity Identifier"):
        services.create_organization(
            name="LQ Comp",
            country="NO",
            kind="company",
            identifiers=[("lei", "549300abcdef12345697")],
        )


def test_an_alias_matches_too(make_org):
    make_org(
        "Дроновые Системы Вектор", country="RU", names=[("Vektor Drone Systems", "transliteration")]
    )
    assert services.find_duplicate_organizations("VEKTOR DRONE SYSTEMS", "RU")


def test_the_editor_can_confirm_it_is_not_a_duplicate(make_org):
    make_org("Korvex Aerodynamics")
    services.create_organization(
        name="Korvex Aerodynamics", country="DE", kind="company", allow_duplicate=True
    )
    assert Organization.objects.count() == 2


def test_merging_moves_everything_and_redirects(make_org, make_link, source, client):
    keep = make_org("Korvex Aerodynamics", identifiers=[("registry", "HRB 1234")])
    drop = make_org("Korvex Aero", identifiers=[("domain", "korvex.example")])
    other = make_org("Lindqvist Composites", country="SE")
    out_link = make_link(drop, other)
    in_link = make_link(other, drop, relation="finances")
    between = make_link(keep, drop, relation="owns", share=51)
    site = services.save_record(Site(organization=drop, role="factory", city="Kiel", country="DE"))
    services.add_citation(site, source, locator="p. 2")

    services.merge_organizations(keep, drop, reason="Same company, registry shows one entity")

    (
        out_link.refresh_from_db(),
        in_link.refresh_from_db(),
        between.refresh_from_db(),
        site.refresh_from_db(),
    )
    assert (out_link.subject, in_link.object, site.organization) == (keep, keep, keep)
    assert between.is_deleted  # a link between the two merged records has no meaning any more
    assert {n.name for n in keep.names.all()} == {"Korvex Aero"}
    assert {i.value for i in keep.identifiers.all()} == {"HRB 1234", "korvex.example"}
    assert set(Link.objects.public()) == {out_link, in_link}
    drop.refresh_from_db()
    assert drop.merged_into == keep and drop.is_deleted

    response = client.get(f"/org/{drop.public_id}/{drop.slug}/")
    assert response.status_code == 301
    assert response["Location"] == keep.get_absolute_url()


def test_a_merge_needs_a_reason(make_org):
    keep, drop = make_org("Korvex Aerodynamics"), make_org("Korvex Aero")
    with pytest.raises(Exception, match="Say why"):
        services.merge_organizations(keep, drop, reason="")
    drop.refresh_from_db()
    assert drop.merged_into is None


def test_the_matcher_finds_a_draft_written_otherwise_and_says_why(make_org):
    korvath = make_org("Korvath Savunma A.Ş.", country="TR", publish=False)
    tarnov = make_org("Тарнов Авиа ООО", country="RU", publish=False)
    make_org("Nordlicht Antriebe GmbH")

    (found,) = services.find_duplicate_organizations(
        "Korvath Savunma Sanayi ve Ticaret Anonim Şirketi", "TR"
    )
    assert found.organization == korvath and found.likely
    assert found.reason == "likely the same: «Korvath Savunma A.Ş.», same name"
    (found,) = services.find_duplicate_organizations("Tarnow Avia", "RU")
    assert found.organization == tarnov
    assert found.reason.endswith("same name in another spelling or script")
    with pytest.raises(services.DuplicateOrganization, match="likely the same: «Тарнов Авиа ООО»"):
        services.create_organization(name="Tarnow Avia", country="RU", kind="company")

    # A word more or less, another number, another country: other organizations.
    assert not services.find_duplicate_organizations("Nordlicht Avionik GmbH", "DE")
    assert not services.find_duplicate_organizations("Nordlicht Antriebe 2 GmbH", "DE")
    assert not services.find_duplicate_organizations("Tarnow Avia", "PL")
    # The organization being edited is not its own duplicate.
    assert not services.find_duplicate_organizations("Tarnow Avia", "RU", exclude=tarnov)


def test_the_duplicate_check_follows_every_write_to_the_record(make_org):
    make_org("Lindqvist Composites", country="SE")
    assert not services.find_duplicate_organizations("Halvorson Gyroteknikk", "NO")  # built

    draft = make_org("Halvorsen Gyroteknikk AS", country="NO", publish=False)
    (found,) = services.find_duplicate_organizations("Halvorson Gyroteknikk", "NO")
    assert found.organization == draft and found.reason.endswith("a typing slip in the name")

    services.update_record(draft, name="Fjellrev Avionikk AS", reason="Renamed")
    assert not services.find_duplicate_organizations("Halvorson Gyroteknikk", "NO")
    services.save_record(OrganizationName(organization=draft, name="Halvorsen Gyroteknikk"))
    assert services.find_duplicate_organizations("Halvorson Gyroteknikk", "NO")

    assert services.find_duplicate_organizations("Fjellrev Avionik", "NO")
    services.soft_delete(draft, reason="Entered twice")
    assert not services.find_duplicate_organizations("Fjellrev Avionik", "NO")
