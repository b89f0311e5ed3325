"""Knowledge bases through the Python client, against a real engramd: a document in, its
chunks, search, Recall's knowledge list, updates, erasure and bad input."""

from __future__ import annotations

import engram_client
import pytest
from engram_client import pb

POLICIES = """# Store policies

## Returns
You can return any item within 30 days of delivery. Bring the receipt.

## Shipping
Standard shipping takes 3 to 5 working days. Express arrives the next day.
"""


async def test_knowledge_lifecycle(client: engram_client.Client, store: str) -> None:
    base = (await client.create_knowledge_base(store_id=store, display_name="Help centre")).knowledge_base
    assert base.id.startswith("kb_") and base.status == pb.KNOWLEDGE_STATUS_READY

    doc = (
        await client.add_knowledge(
            store_id=store, knowledge_base_id=base.id, name="Policies", source=POLICIES,
            source_type="KNOWLEDGE_SOURCE_TYPE_MARKDOWN", metadata=[{"key": "lang", "value": "en"}],
        )
    ).knowledge
    assert doc.status == pb.KNOWLEDGE_STATUS_READY and doc.chunk_count == 2 == doc.embedded_count
    assert doc.source_bytes == len(POLICIES.encode())

    chunks = (await client.list_chunks(store_id=store, knowledge_base_id=base.id, knowledge_id=doc.id)).chunks
    assert [list(c.heading_path) for c in chunks] == [["Store policies", "Returns"], ["Store policies", "Shipping"]]
    assert POLICIES[chunks[1].start_offset : chunks[1].end_offset].startswith("Standard shipping")

    found = await client.search_knowledge(store_id=store, query="how many days does shipping take", top=2, explain=True)
    assert found.chunks[0].chunk.heading_path[-1] == "Shipping"
    assert found.chunks[0].chunk.knowledge_base_id == base.id and 0 < found.chunks[0].score <= 1
    assert found.chunks[0].explanation.matched_terms

    profile = (await client.resolve_identity(store_id=store, identifiers=[{"type": "email", "value": "kb@example.com"}])).profile.id
    recalled = await client.recall(
        store_id=store, profile_id=profile, query="I want to return a jumper", knowledge_base_ids=[base.id], knowledge_limit=1
    )
    assert len(recalled.knowledge) == 1 and recalled.knowledge[0].chunk.heading_path[-1] == "Returns"

    updated = (
        await client.update_knowledge(
            store_id=store, knowledge_base_id=base.id, knowledge_id=doc.id, source="Gift cards never expire.",
            source_type="KNOWLEDGE_SOURCE_TYPE_TEXT",
        )
    ).knowledge
    assert updated.chunk_count == 1 and updated.created_at_us == doc.created_at_us

    listed = (await client.list_knowledge(store_id=store, knowledge_base_id=base.id)).knowledge
    assert [k.id for k in listed] == [doc.id]

    receipt = (await client.delete_knowledge_base(store_id=store, knowledge_base_id=base.id)).receipt
    assert receipt.knowledge == 1 and receipt.chunks == 1 and receipt.log_sequence > 0
    with pytest.raises(engram_client.EngramError) as gone:
        await client.get_knowledge_base(store_id=store, knowledge_base_id=base.id)
    assert gone.value.code == engram_client.StatusCode.NOT_FOUND


async def test_bad_knowledge_input_names_the_field(client: engram_client.Client, store: str) -> None:
    base = (await client.create_knowledge_base(store_id=store, display_name="kb")).knowledge_base
    with pytest.raises(engram_client.EngramError) as bad:
        await client.add_knowledge(
            store_id=store, knowledge_base_id=base.id, name="rows", source='a,b\n"never closed',
            source_type="KNOWLEDGE_SOURCE_TYPE_CSV",
        )
    assert bad.value.code == engram_client.StatusCode.INVALID_ARGUMENT
    assert [v[0] for v in bad.value.field_violations] == ["source"] and "never closed" in bad.value.message
    with pytest.raises(engram_client.EngramError) as top:
        await client.search_knowledge(store_id=store, query="x", top=21)
    assert top.value.code == engram_client.StatusCode.INVALID_ARGUMENT and "top" in top.value.message
    assert (await client.get_knowledge_base(store_id=store, knowledge_base_id=base.id)).knowledge_base.knowledge_count == 0
