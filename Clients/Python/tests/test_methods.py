"""Every method against a real engramd, checking what the answers say."""

from __future__ import annotations

import asyncio

import engram_client
import pytest
from engram_client import pb, now_us, traits_to_python
from conftest import ADMIN_KEY, READ_ONLY_KEY, READ_ONLY_STORE, EngramServer, unique


async def test_hello_ping_server_info_snapshot(client: engram_client.Client) -> None:
    hello = client.hello
    assert hello is not None
    assert hello.protocol_version == 1 and hello.role == "admin"
    assert hello.max_frame_bytes == 4 * 1024 * 1024 and hello.max_in_flight == 256

    sent_at = now_us()
    ping = await client.ping(payload=b"\x00\x01py", client_time_us=sent_at)
    assert ping.payload == b"\x00\x01py" and ping.client_time_us == sent_at
    assert abs(ping.server_time_us - sent_at) < 60_000_000

    info = await client.server_info()
    assert info.protocol_version == 1 and info.server_version == hello.server_version
    assert info.uptime_us > 0 and info.connection_count >= 1 and info.embedder

    # A write, so that the snapshot has something new to cover.
    await client.create_store(display_name=unique("snap"))
    snap = await client.snapshot(timeout=30)
    assert snap.sequence >= 1 and snap.size_bytes > 0 and snap.path


async def test_store_lifecycle(client: engram_client.Client) -> None:
    name = unique("life")
    created = (await client.create_store(display_name=name, description="made by the Python tests")).store
    assert created.id and created.display_name == name and created.created_at_us > 0

    got = (await client.get_store(store_id=created.id)).store
    assert got == created

    # Paging through every store finds it.
    seen, token = [], ""
    while True:
        page = await client.list_stores(page_size=2, page_token=token)
        assert len(page.stores) <= 2
        seen += [s.id for s in page.stores]
        token = page.next_page_token
        if not token:
            break
    assert created.id in seen and len(seen) == len(set(seen))

    # Only the description changes: display_name stays unset (an `optional` field).
    updated = (await client.update_store(store_id=created.id, description="changed")).store
    assert updated.description == "changed" and updated.display_name == name
    renamed = (await client.update_store(pb.UpdateStoreRequest(store_id=created.id, display_name=name + "-b"))).store
    assert renamed.display_name == name + "-b" and renamed.description == "changed"

    receipt = (await client.delete_store(store_id=created.id)).receipt
    assert receipt.log_sequence > 0 and receipt.erased_at_us > 0


async def test_identity_settings(client: engram_client.Client, store: str) -> None:
    before = (await client.get_identity_settings(store_id=store)).settings
    assert list(before.matching_order)  # the defaults name some types
    settings = pb.IdentitySettings()
    settings.CopyFrom(before)
    settings.default_region = "US"
    settings.rules.add(type="loyalty_id", max_values=2, unique=True, normalization=pb.NORMALIZATION_TRIM)
    settings.matching_order.append("loyalty_id")
    put = (await client.put_identity_settings(store_id=store, settings=settings)).settings
    assert put.default_region == "US" and "loyalty_id" in put.matching_order
    again = (await client.get_identity_settings(store_id=store)).settings
    assert again == put
    rule = next(r for r in again.rules if r.type == "loyalty_id")
    assert rule.max_values == 2 and rule.unique and rule.normalization == pb.NORMALIZATION_TRIM


async def test_profiles(client: engram_client.Client, store: str) -> None:
    first = await client.resolve_identity(
        store_id=store,
        identifiers=[{"type": "email", "value": "Ada.Lovelace@Example.com"}],
        traits={"Contact": {"firstName": "Ada", "vip": True, "visits": 3, "tags": ["math", "poetry"]}},
    )
    assert first.outcome == pb.RESOLVE_OUTCOME_CREATED
    ada = first.profile.id
    assert traits_to_python(first.profile.traits) == {
        "Contact": {"firstName": "Ada", "vip": True, "visits": 3, "tags": ["math", "poetry"]}
    }

    # The same e-mail, differently written, matches; the phone is attached.
    second = await client.resolve_identity(
        pb.ResolveIdentityRequest(
            store_id=store,
            identifiers=[pb.Identifier(type="email", value="ada.lovelace@example.com"), pb.Identifier(type="phone", value="+1 415 555 0100")],
        )
    )
    assert second.outcome == pb.RESOLVE_OUTCOME_MATCHED and second.profile.id == ada
    assert {i.type for i in second.profile.identifiers} == {"email", "phone"}

    # A second profile by phone alone, then both identifiers together: a merge.
    other = await client.resolve_identity(store_id=store, identifiers=[{"type": "phone", "value": "+1 415 555 0199"}])
    assert other.outcome == pb.RESOLVE_OUTCOME_CREATED and other.profile.id != ada
    merged = await client.resolve_identity(
        store_id=store,
        identifiers=[{"type": "email", "value": "ada.lovelace@example.com"}, {"type": "phone", "value": "+1 415 555 0199"}],
    )
    assert merged.outcome == pb.RESOLVE_OUTCOME_MERGED
    canonical = merged.profile.id
    assert {ada, other.profile.id} == {canonical, *merged.merged_profile_ids}

    # An identifier sent to a named profile attaches to it, though it matches nothing yet.
    attached = await client.resolve_identity(
        store_id=store, profile_id=canonical, identifiers=[{"type": "email", "value": "ada@work.example"}]
    )
    assert attached.outcome == pb.RESOLVE_OUTCOME_MATCHED and attached.profile.id == canonical
    assert "ada@work.example" in {i.value for i in attached.profile.identifiers}

    looked = await client.lookup_profiles(store_id=store, identifier={"type": "phone", "value": "+14155550100"})
    assert looked.normalized.value == "+14155550100"
    assert [p.id for p in looked.profiles] == [canonical]

    # A merged-away id is served by the canonical profile.
    away = merged.merged_profile_ids[0]
    assert (await client.get_profile(store_id=store, profile_id=away)).profile.id == canonical

    patched = await client.update_traits(
        store_id=store, profile_id=canonical, traits={"Contact": {"vip": None, "lastName": "Lovelace"}}
    )
    contact = traits_to_python(patched.profile.traits)["Contact"]
    assert "vip" not in contact and contact["lastName"] == "Lovelace" and contact["firstName"] == "Ada"
    assert patched.log_sequence > 0

    deleted = await client.delete_profile(store_id=store, profile_id=canonical)
    assert deleted.profile_id == canonical and deleted.receipt.profiles >= 1 and deleted.receipt.identifiers >= 3
    looked = await client.lookup_profiles(store_id=store, identifier={"type": "phone", "value": "+14155550100"})
    assert len(looked.profiles) == 0


async def test_observations_and_recall(client: engram_client.Client, store: str) -> None:
    profile = (await client.resolve_identity(store_id=store, identifiers=[{"type": "chat", "value": "user-7"}])).profile.id
    now = now_us()
    observed = await client.observe(
        store_id=store,
        profile_id=profile,
        observations=[
            {"content": "Prefers to be contacted by email", "source": "crm", "occurred_at_us": now - 86_400_000_000,
             "subject": "preference.contact_channel", "idempotency_key": "k-1"},
            pb.NewObservation(content="Disputed a duplicate charge on the March invoice", source="chat", occurred_at_us=now,
                              conversation_ids=["cv-1"]),
        ],
        summaries=[{"content": "Customer called about billing", "conversation_id": "cv-1", "occurred_at_us": now, "source": "chat"}],
        communications=[{"conversation_id": "cv-1", "text": "Why was I charged twice?", "channel": pb.CHANNEL_CHAT,
                         "author": {"type": pb.PARTICIPANT_TYPE_CUSTOMER, "address": "user-7"}, "created_at_us": now}],
    )
    assert [r.outcome for r in observed.results] == [pb.OBSERVE_OUTCOME_ADDED, pb.OBSERVE_OUTCOME_ADDED]
    assert len(observed.summary_ids) == 1 and len(observed.communication_ids) == 1
    email_id, invoice_id = (r.observation_id for r in observed.results)

    summaries = await client.list_summaries(store_id=store, profile_id=profile, page_size=10)
    assert [s.conversation_id for s in summaries.summaries] == ["cv-1"] and summaries.profile_id == profile
    listed_profiles = await client.list_profiles(store_id=store, page_size=1000)
    assert profile in [p.id for p in listed_profiles.profiles]

    # A retry with the same idempotency key changes nothing.
    replay = await client.observe(
        store_id=store, profile_id=profile,
        observations=[{"content": "Prefers to be contacted by email", "source": "crm", "occurred_at_us": now - 86_400_000_000,
                       "subject": "preference.contact_channel", "idempotency_key": "k-1"}],
    )
    assert replay.results[0].replayed and replay.results[0].observation_id == email_id

    # A newer fact with the same subject supersedes the old one.
    newer = await client.observe(
        store_id=store, profile_id=profile,
        observations=[{"content": "Now prefers phone calls in the evening", "source": "voice", "occurred_at_us": now,
                       "subject": "preference.contact_channel"}],
    )
    assert newer.results[0].outcome == pb.OBSERVE_OUTCOME_SUPERSEDED
    assert newer.results[0].related_observation_id == email_id

    listed = await client.list_observations(store_id=store, profile_id=profile)
    assert {o.id for o in listed.observations} >= {email_id, invoice_id}
    assert listed.profile_id == profile
    only_chat = await client.list_observations(store_id=store, profile_id=profile, source="chat", page_size=10)
    assert [o.id for o in only_chat.observations] == [invoice_id]
    superseded = await client.list_observations(store_id=store, profile_id=profile, status=pb.OBSERVATION_STATUS_SUPERSEDED)
    assert [o.id for o in superseded.observations] == [email_id]

    revisions = await client.list_observation_revisions(store_id=store, profile_id=profile, observation_id=email_id)
    assert revisions.current.id == email_id and revisions.current.status == pb.OBSERVATION_STATUS_SUPERSEDED
    assert any(r.kind == pb.REVISION_KIND_SUPERSEDED for r in revisions.revisions)

    recalled = await client.recall(store_id=store, profile_id=profile, query="duplicate charge invoice", explain=True,
                                   observations_limit=5, summaries_limit=2, communications_limit=3, timeout=5)
    assert recalled.profile_id == profile and recalled.effective_query == "duplicate charge invoice"
    assert recalled.observations[0].observation.id == invoice_id
    assert recalled.observations[0].score > 0 and recalled.observations[0].explanation.matched_terms
    assert len(recalled.summaries) == 1 and len(recalled.communications) == 1
    # By identifier instead of id, and observations_limit=0 (an `optional` field set to 0).
    by_identifier = await client.recall(store_id=store, identifier={"type": "chat", "value": "user-7"},
                                        query="invoice", observations_limit=0)
    assert by_identifier.profile_id == profile and len(by_identifier.observations) == 0

    receipt = (await client.delete_observation(store_id=store, profile_id=profile, observation_id=invoice_id)).receipt
    assert receipt.observations == 1
    after = await client.list_observations(store_id=store, profile_id=profile)
    assert invoice_id not in {o.id for o in after.observations}


async def test_generic_call_by_name_and_id(client: engram_client.Client) -> None:
    r = await client.call("Ping", pb.PingRequest(payload=b"by-name"))
    assert isinstance(r, pb.PingResponse) and r.payload == b"by-name"
    r = await client.call(2, pb.PingRequest(payload=b"by-id"), timeout=2)
    assert r.payload == b"by-id"


async def test_read_only_key(server: EngramServer) -> None:
    async with engram_client.Client(server.address, api_key=READ_ONLY_KEY) as ro, \
            engram_client.Client(server.address, api_key=ADMIN_KEY) as admin:
        assert ro.hello is not None and ro.hello.role == "read-only"
        other = (await admin.create_store(display_name=unique("ro"))).store.id
        # Not its store: PERMISSION_DENIED whether or not the store exists.
        for store_id in (other, "st_does_not_exist"):
            try:
                await ro.get_store(store_id=store_id)
            except engram_client.EngramError as e:
                assert e.code == engram_client.StatusCode.PERMISSION_DENIED and e.from_server, e
            else:
                raise AssertionError("a store-scoped key read another store")
        # Its own store: reading is allowed (it does not exist), writing is not.
        try:
            await ro.get_store(store_id=READ_ONLY_STORE)
        except engram_client.EngramError as e:
            assert e.code == engram_client.StatusCode.NOT_FOUND, e
        else:
            raise AssertionError("a store that does not exist was found")
        try:
            await ro.resolve_identity(store_id=READ_ONLY_STORE, identifiers=[{"type": "email", "value": "a@b.example"}])
        except engram_client.EngramError as e:
            assert e.code == engram_client.StatusCode.PERMISSION_DENIED and e.from_server, e
        else:
            raise AssertionError("a read-only key wrote")
        assert len((await ro.list_stores()).stores) == 0
        assert other in {s.id for s in (await admin.list_stores(page_size=1000)).stores}


async def test_conversations(client: engram_client.Client, store: str) -> None:
    message = {"id": "py-msg-1", "text": "I moved to Lisbon last month, please email me at ana@example.com",
               "channel": pb.CHANNEL_EMAIL, "author": {"type": pb.PARTICIPANT_TYPE_CUSTOMER, "address": "ana@example.com"}}
    appended = await client.append_communications(
        store_id=store, conversation_id="py-mail-1", communications=[message], close=True)
    assert appended.added == 1 and appended.resolve_outcome == pb.RESOLVE_OUTCOME_CREATED
    assert appended.conversation.state in (pb.CONVERSATION_STATE_CLOSED, pb.CONVERSATION_STATE_EXTRACTING,
                                           pb.CONVERSATION_STATE_EXTRACTED)
    retry = await client.append_communications(store_id=store, conversation_id="py-mail-1", communications=[message])
    assert retry.added == 0 and retry.profile_id == appended.profile_id

    state = 0
    conversation = None
    for _ in range(400):
        conversation = (await client.get_conversation(store_id=store, conversation_id="py-mail-1")).conversation
        state = conversation.state
        if state == pb.CONVERSATION_STATE_EXTRACTED:
            break
        await asyncio.sleep(0.005)
    assert state == pb.CONVERSATION_STATE_EXTRACTED and conversation is not None
    facts = await client.list_observations(store_id=store, profile_id=appended.profile_id)
    assert any(o.subject == "personal.location" and list(o.communication_ids) == ["py-msg-1"] for o in facts.observations)
    assert set(conversation.observation_ids) == {o.id for o in facts.observations}

    listed = await client.list_conversations(store_id=store, profile_id=appended.profile_id)
    assert [c.id for c in listed.conversations] == ["py-mail-1"]
    messages = await client.list_communications(store_id=store, conversation_id="py-mail-1")
    assert [m.id for m in messages.communications] == ["py-msg-1"] and messages.profile_id == appended.profile_id
    closed = await client.close_conversation(store_id=store, conversation_id="py-mail-1")
    assert closed.conversation.state == pb.CONVERSATION_STATE_EXTRACTED

    with pytest.raises(engram_client.EngramError) as missing:
        await client.get_conversation(store_id=store, conversation_id="no-such-conversation")
    assert missing.value.code == engram_client.StatusCode.NOT_FOUND
