"""The endpoint (`kg serve`): the SPARQL 1.1 Protocol, the query workers and their sandbox, the pages, the dumps
and the VoID and service descriptions."""
