def test_call_management_page_links_the_review_side(client_for, programme_staff):
    from tests.factories.calls import CallFactory, WaveFactory

    call = CallFactory()
    call.staff.add(programme_staff)
    wave = WaveFactory(call=call)
    content = client_for(programme_staff).get(f"/appels/gestion/{call.pk}/").content.decode()
    for url in [
        f"/appels/gestion/{call.pk}/instruction/",
        f"/appels/gestion/vagues/{wave.pk}/comite/",
        f"/appels/gestion/vagues/{wave.pk}/affectations/",
        f"/appels/gestion/vagues/{wave.pk}/statistiques/",
        f"/selection/vague/{wave.pk}/",
    ]:
        assert f'href="{url}"' in content, url


def test_staff_application_page_links_the_review_file(client_for, programme_staff):
    from tests.factories.calls import ApplicationFactory
    from tierslieux.calls.models import Status

    application = ApplicationFactory(status=Status.SUBMITTED)
    application.call.staff.add(programme_staff)
    content = client_for(programme_staff).get(f"/appels/dossiers/{application.pk}/").content.decode()
    assert f'href="/appels/dossiers/{application.pk}/instruction/"' in content
