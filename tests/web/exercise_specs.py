"""Small exercises of each kind, and a helper that stores one as a lesson, for the lessons
tests. The topology is the notes': A on 192.165.1.0/24, C on 192.165.2.0/24, router R."""

from __future__ import annotations

import copy

from lessons import lessonfile
from lessons.models import Course, Lesson
from lessons.services.content import import_lesson

TWO_NETWORKS = {
    "segments": ["net1", "net2"],
    "hosts": {
        "A": {"interfaces": {"eth0": {"segment": "net1", "address": "192.165.1.10/24"}}},
        "R": {
            "forwarding": True,
            "interfaces": {
                "eth0": {"segment": "net1", "address": "192.165.1.1/24"},
                "eth1": {"segment": "net2", "address": "192.165.2.1/24"},
            },
        },
        "C": {"interfaces": {"eth0": {"segment": "net2", "address": "192.165.2.10/24"}}},
    },
}

TERMINAL = {
    "kind": "terminal",
    "prompt": "Make A reach C through the router R.",
    "scenario": TWO_NETWORKS,
    "goals": [{"check": "reachable", "from": "A", "to": "192.165.2.10"}],
    "solution": {
        "commands": {
            "A": ["ip route add 192.165.2.0/24 via 192.165.1.1"],
            "C": ["ip route add default via 192.165.2.1"],
        }
    },
    "hints": ["Which host does not know the way back?"],
}

ROUTES = {
    "kind": "routes",
    "prompt": "Give A and C the routes they need to reach each other.",
    "scenario": TWO_NETWORKS,
    "goals": [
        {"check": "route", "on": "A", "to": "192.165.2.10", "via": "192.165.1.1"},
        {"check": "reachable", "from": "A", "to": "192.165.2.10"},
    ],
    "solution": {
        "routes": {
            "A": ["192.165.2.0/24 via 192.165.1.1"],
            "C": ["default via 192.165.2.1"],
        }
    },
    "hints": ["A route needs a gateway on a network the host is on."],
}

DNS = {
    "kind": "dns",
    "prompt": "Make www.example.com resolve to the web server, and flowers an alias of it.",
    "scenario": {
        "segments": ["lan"],
        "hosts": {
            "A": {
                "interfaces": {"eth0": {"segment": "lan", "address": "192.165.1.10/24"}},
                "resolv_conf": "nameserver 192.165.1.100\n",
            },
            "ns1": {
                "interfaces": {"eth0": {"segment": "lan", "address": "192.165.1.100/24"}},
                "dns": {"zones": {"example.com": "$TTL 300\n@ IN A 192.165.1.50\n"}},
            },
        },
    },
    "goals": [
        {"check": "resolves", "on": "A", "name": "www.example.com", "to": "192.165.1.50"},
        {
            "check": "dns_answer",
            "server": "ns1",
            "name": "flowers.example.com",
            "type": "CNAME",
            "values": ["www.example.com."],
        },
    ],
    "solution": {
        "records": {"example.com": ["www 300 IN A 192.165.1.50", "flowers 300 IN CNAME www"]}
    },
    "hints": ["An A record maps a name to an IPv4 address."],
}

QUIZ = {
    "kind": "quiz",
    "prompt": "Check what you know about addresses.",
    "questions": [
        {
            "prompt": "Which range is private address space?",
            "choices": ["192.165.0.0/16", "192.168.0.0/16", "8.8.8.0/24"],
            "answer": 1,
            "explain": "192.168.0.0/16 is one of the RFC 1918 private ranges.",
        },
        {
            "prompt": "What does an A record map a name to?",
            "choices": ["An IPv4 address", "An IPv6 address"],
            "answer": 0,
            "explain": "AAAA records hold IPv6 addresses.",
        },
    ],
    "solution": {"answers": [1, 0]},
    "hints": ["RFC 1918 lists three private ranges."],
}

SPECS = {"terminal": TERMINAL, "routes": ROUTES, "dns": DNS, "quiz": QUIZ}


def spec(kind: str) -> dict:
    """A fresh copy of the sample exercise of ``kind`` (tests may change it)."""
    return copy.deepcopy(SPECS[kind])


def make_course(slug: str = "networking") -> Course:
    return Course.objects.get_or_create(slug=slug, defaults={"title": slug.title()})[0]


def make_lesson(
    kind: str = "terminal",
    *,
    slug: str | None = None,
    course: Course | None = None,
    exercise: dict | None = None,
    title: str | None = None,
) -> Lesson:
    """A published lesson with a validated exercise (sample of ``kind`` unless given)."""
    course = course or make_course()
    slug = slug or f"{kind}-lesson"
    parsed = lessonfile.LessonFile(
        title=title or f"A {kind} lesson",
        slug=slug,
        body=f"# {kind}\n\nText.",
        exercise=exercise if exercise is not None else spec(kind),
    )
    lesson, _ = import_lesson(course=course, parsed=parsed)
    return lesson
