"""JSON-LD without the network: the contexts credentials use are kept in the package.

Signing and verifying a Data Integrity proof canonicalizes the credential (RDF Dataset
Canonicalization, RDFC-1.0) with pyld. pyld would fetch every context URL it meets; our
document loader answers from the local copies and refuses anything else, so that a
verification works offline and a credential cannot make the server fetch a URL.
"""

import json
from functools import cache
from pathlib import Path

from pyld import jsonld

CONTEXTS = Path(__file__).parent / "assets" / "contexts"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

# URL -> local file. Sources (see the README, "Trusted certificates"):
# credentials-v2.json: W3C VC Data Model 2.0 context, as shipped in the cert-schema and
# openbadgeslib wheels (identical); ob-v3p0-context-3.0.3.json: 1EdTech Open Badges 3.0 context
# as shipped in the openbadgeslib 4.6.3 wheel.
LOCAL_CONTEXTS = {
    VC_V2: "credentials-v2.json",
    OB_V3: "ob-v3p0-context-3.0.3.json",
}

# Contexts a test or a site may add (e.g. the W3C examples context of the spec's test vector).
EXTRA_CONTEXTS: dict[str, dict] = {}


class UnknownContext(Exception):
    """A credential names a JSON-LD context we do not hold: we never fetch one."""


@cache
def _read(name):
    return json.loads((CONTEXTS / name).read_text())


def document_loader(url, options=None):
    """pyld's document loader: the local copy of a known context, or a refusal."""
    tag = None
    if url in EXTRA_CONTEXTS:
        document = EXTRA_CONTEXTS[url]
    elif url in LOCAL_CONTEXTS:
        document = _read(LOCAL_CONTEXTS[url])
        # Our copies never change: pyld keeps them resolved for the process instead of
        # resolving them again at every canonicalization (a third of a signature's time).
        tag = "static"
    else:
        raise UnknownContext(url)
    return {"contextUrl": None, "documentUrl": url, "document": document, "tag": tag}


class DroppedTerm(Exception):
    """A property the contexts do not define: it would not be signed, so it is refused."""


def _refuse_dropped(term):
    raise DroppedTerm(term)


def canonical_nquads(document):
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document (local contexts only).

    Properties that the contexts do not define are an error, not silently left out (the Data
    Integrity "safe mode"): otherwise they could be changed without breaking the signature.
    """
    processor = jsonld.JsonLdProcessor(on_property_dropped=_refuse_dropped)
    return processor.normalize(
        document,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": document_loader,
        },
    )
