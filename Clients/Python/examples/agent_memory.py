"""An agent's memory loop: resolve the caller by phone, recall before answering, observe after.

    ENGRAM_ADDRESS=127.0.0.1:7411 ENGRAM_API_KEY=... python3 examples/agent_memory.py
"""
import asyncio, os
import engram_client
from engram_client import now_us

def answer(question: str, memory: engram_client.pb.RecallResponse) -> str:  # your LLM goes here
    known = "; ".join(s.observation.content for s in memory.observations[:2]) or "nothing yet"
    return f"[I remember: {known}] Let me help with that."

async def main() -> None:
    async with engram_client.Client(os.environ.get("ENGRAM_ADDRESS", "127.0.0.1:7411"),
                                    api_key=os.environ.get("ENGRAM_API_KEY", ""), timeout=5) as memory:
        store = os.environ.get("ENGRAM_STORE_ID") or (
            await memory.create_store(display_name=f"agent-demo-{os.getpid()}")).store.id
        caller = await memory.resolve_identity(store_id=store, traits={"Contact": {"firstName": "Ada"}},
                                               identifiers=[{"type": "phone", "value": "+1 415 555 0100"}])
        profile = caller.profile.id
        for turn in ["My March invoice charged me twice", "Please email me, don't call", "Any news on my invoice?"]:
            recalled = await memory.recall(store_id=store, profile_id=profile, query=turn, observations_limit=3)
            print(f"customer: {turn}\nagent:    {answer(turn, recalled)}")
            await memory.observe(store_id=store, profile_id=profile, observations=[
                {"content": turn, "source": "voice", "occurred_at_us": now_us(), "conversation_ids": ["call-1"]}])

asyncio.run(main())
