"""Words for a synthetic book: names, roles, places, and a numbering that never repeats.

Names are drawn by index, not at random: ``nth_name(i)`` maps ``0 <= i < size`` one-to-one onto
the combinations of the word lists (through a fixed affine permutation, so neighbours do not
look alike), which gives a million distinct customer names without remembering any of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import gcd


@dataclass(frozen=True, slots=True)
class Region:
    timezone: str
    country: str
    tag: str  # the sales region, as a customer tag


# Sales offices on several continents, each with its public-holiday country.
REGIONS: tuple[Region, ...] = (
    Region("Europe/Berlin", "DE", "emea"),
    Region("America/New_York", "US", "amer"),
    Region("America/Los_Angeles", "US", "amer"),
    Region("Asia/Tokyo", "JP", "apac"),
    Region("Australia/Sydney", "AU", "apac"),
    Region("Pacific/Auckland", "NZ", "apac"),
    Region("Asia/Kolkata", "IN", "apac"),
    Region("America/Sao_Paulo", "BR", "amer"),
    Region("Europe/London", "GB", "emea"),
    Region("America/Chicago", "US", "amer"),
    Region("Asia/Singapore", "SG", "apac"),
    Region("Europe/Paris", "FR", "emea"),
    Region("Africa/Johannesburg", "ZA", "emea"),
)

FIRST_NAMES: tuple[str, ...] = (
    "Maria", "Jonas", "Aiko", "Liam", "Priya", "Lucas", "Sofia", "Noah", "Mei", "Omar",
    "Elena", "Kenji", "Amara", "Mateo", "Hannah", "Ravi", "Chloe", "Felix", "Yuki", "Isabel",
    "Tane", "Aroha", "Daniel", "Leila", "Hugo", "Ingrid", "Samuel", "Ana", "Kofi", "Zara",
    "Erik", "Nadia", "Paulo", "Grace", "Arjun", "Lena", "Thabo", "Camila", "Oscar", "Fatima",
    "Henrik", "Sakura", "Diego", "Emma", "Vikram", "Julia", "Mason", "Ayesha", "Tomas", "Lucia",
    "Ben", "Keiko", "Rafael", "Olivia", "Sipho", "Clara", "Ethan", "Anjali", "Marco", "Freya",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Lopez", "Schmidt", "Tanaka", "Murphy", "Sharma", "Silva", "Rossi", "Chen", "Haddad", "Novak",
    "Sato", "Okafor", "Fernandez", "Weber", "Iyer", "Dubois", "Keller", "Suzuki", "Moreau", "Ngata",
    "Walker", "Rahman", "Costa", "Lindqvist", "Mensah", "Kowalski", "Nakamura", "Patel", "Jansen",
    "Oliveira", "Nkosi", "Bauer", "Kim", "Hughes", "Castro", "Andersen", "Gupta", "Petrov",
    "Morales", "Yamamoto", "Fischer", "Santos", "Brennan", "Mehta", "Larsen", "Tremblay", "Ito",
    "Ahmed", "Romano", "Svensson", "Pereira", "Becker", "Singh", "Watanabe", "Nielsen", "Reyes",
    "Wright", "Kaur", "Vogel", "Ruiz",
)  # fmt: skip

INITIALS = tuple("ABCDEFGHJKLMNPRSTVW")

COMPANY_FIRST: tuple[str, ...] = (
    "Acme", "Northwind", "Bluepeak", "Silverline", "Redwood", "Ironbridge", "Brightwater",
    "Oakridge", "Summit", "Harbor", "Evergreen", "Granite", "Cobalt", "Lumen", "Meridian",
    "Pioneer", "Quantum", "Riverstone", "Sterling", "Trident", "Vertex", "Westwind", "Zenith",
    "Aurora", "Beacon", "Cedar", "Delta", "Ember", "Falcon", "Gemini", "Horizon", "Juniper",
    "Keystone", "Lighthouse", "Maple", "Nimbus", "Orion", "Polaris", "Sequoia", "Tundra",
    "Atlas", "Boreal", "Crescent", "Dune", "Everest", "Fjord", "Glacier", "Helix", "Indigo",
    "Jade", "Kestrel", "Lotus", "Monarch", "Nova", "Opal", "Prism", "Quarry", "Sapphire",
    "Tidal", "Umber",
)  # fmt: skip

COMPANY_SECOND: tuple[str, ...] = (
    "Logistics", "Foods", "Analytics", "Robotics", "Textiles", "Pharma", "Energy", "Media",
    "Software", "Builders", "Motors", "Labs", "Capital", "Health", "Retail", "Aerospace",
    "Marine", "Telecom", "Farms", "Studios", "Metals", "Optics", "Chemicals", "Insurance",
    "Travel", "Furniture", "Ceramics", "Packaging", "Systems", "Devices", "Brewing", "Paper",
    "Solar", "Water", "Security", "Consulting", "Dental", "Fitness", "Fashion", "Glass",
)  # fmt: skip

COMPANY_SUFFIX: tuple[str, ...] = (
    "Inc", "GmbH", "Ltd", "KK", "Pty Ltd", "SA", "SAS", "BV", "AG", "LLC", "Group", "Holdings",
    "Co", "Partners", "Pvt Ltd", "Ltda", "AB", "Oy", "SpA", "NZ Ltd",
)  # fmt: skip

COMPANY_PLACE: tuple[str, ...] = (
    "", "Berlin", "Boston", "Osaka", "Perth", "Lyon", "Pune", "Porto Alegre", "Leeds", "Denver",
    "Wellington", "Munich", "Seattle", "Kyoto", "Brisbane", "Chennai", "Austin", "Hamburg",
    "Curitiba", "Glasgow", "Toulouse", "Cape Town", "Auckland", "Nagoya", "Melbourne", "Dallas",
)  # fmt: skip

ROLES: tuple[str, ...] = (
    "CEO", "CFO", "COO", "CTO", "Head of Procurement", "Purchasing Manager", "Operations Director",
    "IT Manager", "Marketing Lead", "Office Manager", "Founder", "Finance Controller",
    "Head of Partnerships", "Plant Manager", "Project Lead",
)  # fmt: skip

INDUSTRIES: tuple[str, ...] = (
    "manufacturing", "retail", "saas", "healthcare", "finance", "logistics", "hospitality",
    "public-sector", "energy", "education",
)  # fmt: skip

NOTES: tuple[str, ...] = (
    "Discussed next quarter's plans",
    "Asked about the new pricing",
    "Happy with the last delivery",
    "Wants a demo for their team",
    "Mentioned a reorganisation",
    "Thanked us for the quick support",
)

PRODUCTS: tuple[str, ...] = (
    "Insights Suite",
    "Priority Support Plus",
    "Fleet Tracker",
    "Green Packaging Line",
    "Analytics Workshop Series",
)


def _coprime_step(size: int) -> int:
    step = int(size * 0.618_033_988) | 1
    while gcd(step, size) != 1:
        step += 2
    return step


def nth_combination(index: int, lists: Sequence[Sequence[str]]) -> list[str]:
    """The ``index``-th combination of one word from each list (mixed radix), after a fixed
    permutation; distinct for every ``index`` below the product of the list sizes."""
    size = 1
    for words in lists:
        size *= len(words)
    permuted = (index * _coprime_step(size) + 7) % size
    picked = []
    for words in reversed(lists):
        permuted, digit = divmod(permuted, len(words))
        picked.append(words[digit])
    return picked[::-1]


_COMPANY_LISTS = (COMPANY_FIRST, COMPANY_SECOND, COMPANY_SUFFIX, COMPANY_PLACE)
COMPANY_NAMES = len(COMPANY_FIRST) * len(COMPANY_SECOND) * len(COMPANY_SUFFIX) * len(COMPANY_PLACE)
_PERSON_LISTS = (FIRST_NAMES, INITIALS, LAST_NAMES)
PERSON_NAMES = len(FIRST_NAMES) * len(INITIALS) * len(LAST_NAMES)
_SHORT_PERSON_LISTS = (FIRST_NAMES, LAST_NAMES)
SHORT_PERSON_NAMES = len(FIRST_NAMES) * len(LAST_NAMES)


def company_name(index: int) -> str:
    """A company name, different for every ``index`` (past the word lists, numbered)."""
    cycle, within = divmod(index, COMPANY_NAMES)
    first, second, suffix, place = nth_combination(within, _COMPANY_LISTS)
    name = " ".join(w for w in (first, second, place, suffix) if w)
    return name if cycle == 0 else f"{name} {cycle + 1}"


def person_name(index: int) -> str:
    """A salesperson's name, different for every ``index``: "Maria Lopez" while first and last
    names suffice, then with a middle initial ("Maria K Lopez")."""
    if index < SHORT_PERSON_NAMES:
        first, last = nth_combination(index, _SHORT_PERSON_LISTS)
        return f"{first} {last}"
    cycle, within = divmod(index - SHORT_PERSON_NAMES, PERSON_NAMES)
    first, initial, last = nth_combination(within, _PERSON_LISTS)
    name = f"{first} {initial} {last}"
    return name if cycle == 0 else f"{name} {cycle + 1}"
