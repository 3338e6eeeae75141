from albo.atti import cerca


def test_vuoto():
    assert cerca() == []
