from liaison.testing.personas import World


def test_public_station_list_answers(world: World) -> None:
    response = world.api("anonymous").get("/api/v1/stations")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 4
