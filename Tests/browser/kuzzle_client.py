"""A separate Kuzzle-protocol client, run as its own process by the browser tests.

Usage: python kuzzle_client.py ws://host:port '[{"controller": ..., "action": ...}, ...]'

Sends the requests one after the other, waiting for each response, then prints one JSON object:
{"sent_at": [epoch seconds just before each send], "responses": [response frames]}.
Notifications that arrive meanwhile are skipped; the process exits when the last response is in.
"""

import asyncio
import json
import sys
import time

import websockets


async def run(url, requests):
    sent_at, responses = [], []
    async with websockets.connect(url, max_size=None) as socket:
        for number, request in enumerate(requests):
            request = dict(request)
            request.setdefault("requestId", f"client-{number}")
            sent_at.append(time.time())
            await socket.send(json.dumps(request))
            while True:
                frame = json.loads(await asyncio.wait_for(socket.recv(), timeout=10))
                if frame.get("room") == request["requestId"] and "type" not in frame:
                    responses.append(frame)
                    break
    return {"sent_at": sent_at, "responses": responses}


def main():
    url, requests = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(asyncio.run(run(url, requests))))


if __name__ == "__main__":
    main()
