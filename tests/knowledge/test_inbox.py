from knowledge.inbox import MAX_QUESTION_CHARS, Inbox


def test_passed_on_questions_are_stored_and_survive_a_new_connection(database_url):
    url = database_url
    first = Inbox(url).add("conv-1", "Vem ansvarar för hjälpmedel i Testby?")
    Inbox(url).add("conv-2", "x" * (MAX_QUESTION_CHARS + 50))
    items = Inbox(url).list()
    assert [i.id for i in items] == [first.id, first.id + 1]
    assert items[0].question == "Vem ansvarar för hjälpmedel i Testby?" and items[0].status == "new"
    assert len(items[1].question) == MAX_QUESTION_CHARS
    assert Inbox(url).list(status="done") == []
