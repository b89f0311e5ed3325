"""engram-mcp driven over stdio by the official Python MCP SDK, against a real engramd.

Run by scripts/mcp-test: ENGRAM_MCP (the binary), ENGRAM_SERVER (host:port) and ENGRAM_STORE
(a store id) name what to test. Exits non-zero on the first failed check.
"""

import asyncio
import json
import os
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


def check(condition: bool, what: str) -> None:
    if not condition:
        print(f"FAIL: {what}", file=sys.stderr)
        sys.exit(1)
    print(f"ok   {what}")


def field(obj, snake: str, camel: str):
    """The SDK spells fields in snake_case since 2.0 and in camelCase before."""
    return getattr(obj, snake) if hasattr(obj, snake) else getattr(obj, camel)


def is_error(result) -> bool:
    return bool(field(result, "is_error", "isError"))


def text(result) -> str:
    return "".join(part.text for part in result.content if getattr(part, "type", "") == "text")


async def main() -> None:
    params = StdioServerParameters(
        command=os.environ["ENGRAM_MCP"],
        args=["--server", os.environ["ENGRAM_SERVER"], "--store", os.environ["ENGRAM_STORE"]],
        env={**os.environ},
    )
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            info = await session.initialize()
            check(field(info, "server_info", "serverInfo").name == "engram", "initialize: the server is engram")

            tools = {tool.name: tool for tool in (await session.list_tools()).tools}
            check(set(tools) == {"resolve_customer", "recall_memory", "remember", "get_profile", "append_messages",
                                 "search_knowledge"},
                  f"list_tools: {sorted(tools)}")
            check(all(tool.description and field(tool, "input_schema", "inputSchema").get("type") == "object" for tool in tools.values()),
                  "every tool has a description and an object schema")
            check(field(tools["remember"], "input_schema", "inputSchema").get("required") == ["content"], "remember requires content")

            resolved = await session.call_tool("resolve_customer", {
                "identifiers": [{"type": "email", "value": "Grace.Hopper@Example.com"}],
                "traits": {"Contact": {"first_name": "Grace"}},
            })
            check(not is_error(resolved), f"resolve_customer: {text(resolved)[:120]}")
            profile = json.loads(text(resolved))["profile"]
            profile_id = profile["id"]
            check(profile["identifiers"][0]["value"] == "grace.hopper@example.com",
                  "the email came back normalised")

            remembered = await session.call_tool("remember", {
                "identifier": {"type": "email", "value": "grace.hopper@example.com"},
                "content": "Wants the invoice for order 1042 re-sent to her work address",
            })
            check(not is_error(remembered) and json.loads(text(remembered))["profile_id"] == profile_id,
                  "remember by identifier lands on the same profile")

            recalled = await session.call_tool("recall_memory", {"profile_id": profile_id, "query": "invoice"})
            check(not is_error(recalled), "recall_memory")
            observations = json.loads(text(recalled))["observations"]
            check(len(observations) == 1 and "1042" in observations[0]["observation"]["content"],
                  "recall_memory finds the fact")
            first_name = json.loads(text(recalled))["traits"]["Contact"]["first_name"]
            check("Grace" in json.dumps(first_name), f"recall_memory carries the traits: {first_name}")

            described = await session.call_tool("get_profile", {"profile_id": profile_id})
            check(not is_error(described) and json.loads(text(described))["observation_count"] == 1, "get_profile")

            appended = await session.call_tool("append_messages", {
                "conversation_id": "mail-7", "channel": "email", "close": True,
                "messages": [{"role": "customer", "text": "Please send invoices to my work address from now on.",
                              "address": "grace.hopper@example.com"}],
            })
            check(not is_error(appended) and json.loads(text(appended))["profile_id"] == profile_id,
                  f"append_messages finds the customer by her address: {text(appended)[:160]}")

            searched = await session.call_tool("search_knowledge", {"query": "what is the returns policy?", "top": 3})
            check(not is_error(searched) and json.loads(text(searched))["results"] == [],
                  f"search_knowledge on a store without knowledge bases finds nothing: {text(searched)[:120]}")
            bad_top = await session.call_tool("search_knowledge", {"query": "x", "top": 99})
            check(is_error(bad_top) and "'top'" in text(bad_top), f"a bad top is a tool error: {text(bad_top)}")

            bad = await session.call_tool("remember", {"profile_id": profile_id})
            check(is_error(bad) and "'content' is required" in text(bad),
                  f"a missing argument is a tool error: {text(bad)}")
            missing = await session.call_tool("get_profile", {"profile_id": "pr_nobody"})
            check(is_error(missing) and text(missing).startswith("NOT_FOUND"),
                  f"the server's error comes back as a tool error: {text(missing)}")


asyncio.run(main())
