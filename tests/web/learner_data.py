"""A small course with one lesson of each exercise kind, for the learner's page tests and the
browser tests (``make_course()``); loaded through the services, as loadlessons would."""

from __future__ import annotations

from lessons.lessonfile import LessonFile
from lessons.models import Course, Lesson
from lessons.services.content import import_lesson

ROUTED = {
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
        "C": {
            "interfaces": {"eth0": {"segment": "net2", "address": "192.165.2.10/24"}},
            "routes": ["default via 192.165.2.1"],
        },
    },
}

TERMINAL = {
    "kind": "terminal",
    "prompt": "Make **A** reach C through the router R.",
    "scenario": ROUTED,
    "goals": [{"check": "reachable", "from": "A", "to": "192.165.2.10"}],
    "solution": {"commands": {"A": ["ip route add 192.165.2.0/24 via 192.165.1.1"]}},
    "hints": ["Which host does not know the way to 192.165.2.0/24?", "Use ip route add on A."],
}

ROUTES = {
    "kind": "routes",
    "prompt": "Give A a route to 192.165.2.0/24.",
    "scenario": ROUTED,
    "goals": [{"check": "reachable", "from": "A", "to": "192.165.2.10"}],
    "solution": {"routes": {"A": ["192.165.2.0/24 via 192.165.1.1"]}},
    "hints": ["The gateway is R's address on A's network."],
}

DNS = {
    "kind": "dns",
    "prompt": "Make www.example.com resolve to 192.165.2.10.",
    "scenario": {
        "segments": ["lan"],
        "hosts": {
            "A": {
                "interfaces": {"eth0": {"segment": "lan", "address": "192.165.2.20/24"}},
                "resolv_conf": "nameserver 192.165.2.53\n",
            },
            "ns1": {
                "interfaces": {"eth0": {"segment": "lan", "address": "192.165.2.53/24"}},
                "dns": {"zones": {"example.com": "@ 300 IN A 192.165.2.10\n"}},
            },
        },
    },
    "goals": [{"check": "resolves", "on": "A", "name": "www.example.com", "to": "192.165.2.10"}],
    "solution": {"records": {"example.com": ["www 300 IN A 192.165.2.10"]}},
    "hints": ["Add an A record named www."],
}

QUIZ = {
    "kind": "quiz",
    "prompt": "Two questions about routes.",
    "questions": [
        {
            "prompt": "Which route does the kernel prefer?",
            "choices": ["The shortest prefix", "The longest prefix"],
            "answer": 1,
            "explain": "the most specific route wins.",
        },
        {
            "prompt": "What does a router need to forward packets?",
            "choices": ["ip_forward = 1", "A DNS server"],
            "answer": 0,
        },
    ],
    "hints": ["Think of /24 versus /16."],
}

LESSONS = [
    ("Routing between networks", "routing-between-networks", TERMINAL),
    ("A routing table by hand", "routing-table", ROUTES),
    ("Names for addresses", "dns-records", DNS),
    ("Routing quiz", "routing-quiz", QUIZ),
]


def make_course(slug: str = "networking", title: str = "Networking basics") -> Course:
    course = Course.objects.create(slug=slug, title=title, description="Learn to route.")
    for order, (lesson_title, lesson_slug, exercise) in enumerate(LESSONS, start=1):
        body = f"# {lesson_title}\n\nA route says *where* to send packets.\n\n```\nip route\n```\n"
        import_lesson(
            course=course,
            parsed=LessonFile(title=lesson_title, slug=lesson_slug, body=body, exercise=exercise),
            order=order,
        )
    return course


def lesson(course: Course, slug: str) -> Lesson:
    return Lesson.objects.select_related("course").get(course=course, slug=slug)


def add_lessons(course: Course, count: int) -> None:
    """More terminal lessons, for query-count tests."""
    start = course.lessons.count() + 1
    for n in range(start, start + count):
        import_lesson(
            course=course,
            parsed=LessonFile(
                title=f"Extra {n}", slug=f"extra-{n}", body="Text", exercise=TERMINAL
            ),
            order=n,
        )
