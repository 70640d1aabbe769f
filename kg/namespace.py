"""The project's closed vocabulary and the IRIs of the standard vocabularies it reuses."""
from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

BASE = "https://w3id.org/politburo-kg/"
ID = Namespace(BASE + "id/")
ONTOLOGY_IRI = BASE + "ontology"

SCHEMA = Namespace("https://schema.org/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
RICO = Namespace("https://www.ica.org/standards/RiC/ontology#")
RICRST = Namespace("https://www.ica.org/standards/RiC/vocabularies/recordSetTypes#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
SH = Namespace("http://www.w3.org/ns/shacl#")


class PBO(DefinedNamespace):
    """politburo-kg ontology: the terms no standard vocabulary provides."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # Classes
    Letter: URIRef  # a letter, telegram or note of the correspondence
    Request: URIRef  # what a letter asks the addressee to approve, decide or give an opinion on
    Response: URIRef  # the addressee's answer to a request
    PolitburoDecision: URIRef  # a decision of the Politburo recorded in the editors' notes
    Footnote: URIRef  # an editorial note of the edition
    Transmission: URIRef  # the sending of a letter: place, date and time
    ArchivalReference: URIRef  # a citation of sheets in an archival file
    SourcePage: URIRef  # one page (file) of the edition
    Edition: URIRef  # the printed edition
    NotedDocument: URIRef  # a document an editorial note describes (not itself a letter of the edition)
    Form: URIRef  # the transmission form of a letter
    Outcome: URIRef  # the outcome of a response
    Place: URIRef  # a place named in the letters
    Organisation: URIRef  # an organisation named in the letters

    # Concepts: forms and outcomes
    FormScheme: URIRef
    OutcomeScheme: URIRef
    Encryption: URIRef
    Cipher: URIRef
    Telegram: URIRef
    TelephoneMessage: URIRef
    DirectWireNote: URIRef
    Agreed: URIRef
    Rejected: URIRef
    Abstained: URIRef
    Amended: URIRef
    OtherOutcome: URIRef

    # Provenance in the edition
    sourceFile: URIRef  # file name of a source page
    sourceLine: URIRef  # 1-based line in the source page where a statement begins
    endLine: URIRef  # last line of a letter's unit
    asWritten: URIRef  # the text exactly as the source gives it
    sha256: URIRef  # checksum of the source page

    # Letters
    headingText: URIRef
    dateEditorial: URIRef  # the date, or part of it, was supplied by the editors in [ ]
    dateAsWritten: URIRef
    form: URIRef
    handling: URIRef  # handling mark: Strictly secret, Copy, Series "G"
    addressLine: URIRef
    signature: URIRef
    secretaryNote: URIRef  # the number and date lines at the foot of a letter
    dateline: URIRef  # a date at the head of a letter ("3/X")
    receivedNote: URIRef  # when a telegram reached the addressee, as written
    editionPages: URIRef
    incomingNumber: URIRef
    cipherNumber: URIRef
    outgoingNumber: URIRef
    forwardedNumber: URIRef
    documentNumber: URIRef  # super-property of the four numbers above
    forwardedBy: URIRef
    transmission: URIRef
    date: URIRef  # a calendar date (xsd:date) of an event whose time may be unknown
    time: URIRef  # a clock time (xsd:time)
    hasFootnote: URIRef
    noteNumber: URIRef
    markerLine: URIRef  # line of the body where a footnote's marker stands

    # Requests, responses, decisions
    makesRequest: URIRef
    requestText: URIRef
    respondsTo: URIRef
    outcome: URIRef
    responseText: URIRef
    evidence: URIRef  # "footnote" or "reply letter"
    expressedIn: URIRef  # the reply letter that carries a response
    repliesTo: URIRef  # a reply letter to the letter it answers
    citedNumber: URIRef  # the number a reply cites ("Your 121")
    recordsDecision: URIRef
    ledTo: URIRef
    wording: URIRef

    # Archival references
    archive: URIRef
    fond: URIRef
    opis: URIRef
    delo: URIRef
    sheets: URIRef
    referenceIndex: URIRef  # order of a reference on its line
    citation: URIRef  # normalised, citable form of a reference
    inFile: URIRef  # the archival file (delo) a reference points into

    # Persons, places, organisations
    patronymic: URIRef
    initials: URIRef
    role: URIRef
    defaultReading: URIRef  # among namesakes, the one a bare surname means
    provisional: URIRef  # named in the text but not (yet) in the authority file
    surfaceForm: URIRef


# The prefixes the graph files (Turtle, TriG), the endpoint's answers and the dataset description write.
PREFIXES = {
    "pbo": str(PBO._NS),
    "id": str(ID),
    "letter": str(ID) + "letter/",
    "person": str(ID) + "person/",
    "place": str(ID) + "place/",
    "org": str(ID) + "org/",
    "decision": str(ID) + "decision/",
    "source": str(ID) + "source/",
    "archive": str(ID) + "archive/",
    "ref": str(ID) + "ref/",
    "note": str(ID) + "note/",
    "request": str(ID) + "request/",
    "response": str(ID) + "response/",
    "transmission": str(ID) + "transmission/",
    "document": str(ID) + "document/",
    "schema": str(SCHEMA),
    "foaf": str(FOAF),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "rico": str(RICO),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}
