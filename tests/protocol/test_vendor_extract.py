"""The committed extract of the vendor's interface document is what the extraction finds in the
document itself (run with ``BOOTH_CONSOLE_VENDOR_DOC=path/to/document.txt``)."""

from __future__ import annotations

import pytest

from tests.protocol import doc_examples as doc


def test_committed_extract_matches_the_document() -> None:
    path = doc.document_path()
    if path is None:
        pytest.skip(f"set {doc.DOC_ENV} to the vendor's interface document to check the extract")
    fresh = doc.dumps(doc.extract(path.read_text(encoding="utf-8")))
    assert fresh == doc.EXTRACT.read_text(encoding="utf-8"), (
        "the extract differs from the document: python3 -m tests.protocol.doc_examples --write "
        f"{path}")


def test_extract_holds_every_section_the_tests_rely_on() -> None:
    examples = doc.examples()
    assert {ex.section for ex in examples} == {4, 5, 6}
    assert sum(ex.kind == "callback" for ex in examples) >= 10
    assert doc.mqtt_signing_example() is not None and doc.mqtt_response_example() is not None
    assert doc.enum_table("QueryOperatorEnum") and doc.plate_categories()
