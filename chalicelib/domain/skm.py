"""The satisfaction survey every public service must run (Survei Kepuasan Masyarakat,
PermenPANRB 14/2017): its nine elements with the regulation's wording of each point, the
index (IKM) with its grade, and the minimum number of respondents (Krejcie-Morgan).

Pure arithmetic on counts and sums: the service layer reads them from the day counters.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

SCORES = (1, 2, 3, 4)


@dataclass(frozen=True)
class Element:
    """One element (unsur): its question and the wording of points 1 to 4."""

    element_id: str
    question: dict[str, str]
    points: dict[str, tuple[str, str, str, str]]


def _e(element_id, question_id, question_en, points_id, points_en) -> Element:
    return Element(element_id, {"id": question_id, "en": question_en},
                   {"id": tuple(points_id), "en": tuple(points_en)})


_FITS_ID = ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai")
_FITS_EN = ("Does not match", "Matches poorly", "Matches", "Matches fully")

ELEMENTS: tuple[Element, ...] = (
    _e("persyaratan",
       "Bagaimana pendapat Anda tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
       "How well did the service's requirements fit the service you received?",
       _FITS_ID, _FITS_EN),
    _e("prosedur",
       "Bagaimana pemahaman Anda tentang kemudahan prosedur pelayanan di unit ini?",
       "How easy were the service's system, mechanism and procedure?",
       ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
       ("Not easy", "Not very easy", "Easy", "Very easy")),
    _e("waktu",
       "Bagaimana pendapat Anda tentang kecepatan waktu dalam memberikan pelayanan?",
       "How fast was the service completed?",
       ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
       ("Not fast", "Not very fast", "Fast", "Very fast")),
    _e("biaya",
       "Bagaimana pendapat Anda tentang kewajaran biaya/tarif dalam pelayanan?",
       "How fair was the fee or tariff of the service?",
       ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
       ("Very expensive", "Rather expensive", "Cheap", "Free")),
    _e("produk",
       "Bagaimana pendapat Anda tentang kesesuaian produk pelayanan antara yang tercantum "
       "dalam standar pelayanan dengan hasil yang diberikan?",
       "How well did what you received match the product stated in the service standard?",
       _FITS_ID, _FITS_EN),
    _e("kompetensi",
       "Bagaimana pendapat Anda tentang kompetensi/kemampuan petugas dalam pelayanan?",
       "How competent were the staff who served you?",
       ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
       ("Not competent", "Not very competent", "Competent", "Very competent")),
    _e("perilaku",
       "Bagaimana pendapat Anda tentang perilaku petugas dalam pelayanan terkait "
       "kesopanan dan keramahan?",
       "How polite and friendly were the staff who served you?",
       ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah",
        "Sangat sopan dan ramah"),
       ("Not polite and friendly", "Not very polite and friendly", "Polite and friendly",
        "Very polite and friendly")),
    _e("pengaduan",
       "Bagaimana pendapat Anda tentang penanganan pengaduan, saran dan masukan di unit ini?",
       "How well are complaints, suggestions and feedback handled here?",
       ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal",
        "Dikelola dengan baik"),
       ("None", "There, but not working", "Working, not fully", "Handled well")),
    _e("sarana",
       "Bagaimana pendapat Anda tentang kualitas sarana dan prasarana?",
       "How good are the facilities and infrastructure?",
       ("Buruk", "Cukup", "Baik", "Sangat baik"),
       ("Poor", "Fair", "Good", "Very good")),
)
ELEMENT_IDS = tuple(e.element_id for e in ELEMENTS)
WEIGHT = Fraction(1, len(ELEMENTS))  # exactly 1/9: 0.111 moves the index by up to a point
SCALE = 25

# (lowest index of the grade, letter, name id, name en), best first
GRADES = ((Decimal("88.31"), "A", "Sangat Baik", "Very good"),
          (Decimal("76.61"), "B", "Baik", "Good"),
          (Decimal("65.00"), "C", "Kurang Baik", "Poor"),
          (Decimal("25.00"), "D", "Tidak Baik", "Bad"))

# The respondent profile the regulation asks for, each optional: the choices offered
PROFILE = {
    "age_group": ("under_20", "20_29", "30_39", "40_49", "50_59", "60_plus"),
    "sex": ("female", "male"),
    "education": ("sd", "smp", "sma", "diploma", "s1", "s2_plus"),
}


def questions(lang: str) -> list[dict]:
    """The nine questions with the wording of each point, in `lang` (id or en)."""
    lang = "en" if lang == "en" else "id"
    return [{"element_id": e.element_id, "question": e.question[lang],
             "points": [{"score": s, "label": e.points[lang][s - 1]} for s in SCORES]}
            for e in ELEMENTS]


def element_means(sums: list[int], respondents: int) -> list[Fraction] | None:
    """Each element's mean score, exactly, from the sum of its scores."""
    if respondents <= 0:
        return None
    if len(sums) != len(ELEMENTS):
        raise ValueError("one sum per element")
    return [Fraction(int(total), respondents) for total in sums]


def index(sums: list[int], respondents: int, weight: Fraction = WEIGHT) -> Fraction | None:
    """IKM = sum over the elements of (mean score x 1/9), times 25: from 25 to 100."""
    means = element_means(sums, respondents)
    if means is None:
        return None
    return sum((m * weight for m in means), Fraction(0)) * SCALE


def rounded(value: Fraction, places: int = 2) -> Decimal:
    """Half up, as the index is published (88.305 is 88.31)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def grade(ikm: Fraction | Decimal | float) -> dict:
    """The grade of an index, compared on the index rounded to two places."""
    value = rounded(Fraction(ikm)) if not isinstance(ikm, Decimal) else ikm.quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP)
    for low, letter, name_id, name_en in GRADES:
        if value >= low:
            return {"grade": letter, "name": {"id": name_id, "en": name_en}}
    raise ValueError(f"an index is 25 to 100, not {value}")


def krejcie_morgan(population: int) -> int:
    """The smallest sample for a population (Krejcie & Morgan 1970, the table SKM guidance
    uses): s = X^2 N P(1-P) / (d^2 (N-1) + X^2 P(1-P)), X^2 = 3.841, P = 0.5, d = 0.05,
    rounded to the nearest whole as the table is (N=15 gives 14.47: the table says 14)."""
    if population <= 0:
        return 0
    chi, p, d = Decimal("3.841"), Decimal("0.5"), Decimal("0.05")
    n = Decimal(population)
    s = chi * n * p * (1 - p) / (d * d * (n - 1) + chi * p * (1 - p))
    return min(population, int(s.to_integral_value(rounding=ROUND_HALF_UP)))


def summary(sums: list[int], respondents: int, lang: str = "id") -> dict:
    """The index of a group of responses as the API answers it."""
    ikm = index(sums, respondents)
    means = element_means(sums, respondents)
    lang = "en" if lang == "en" else "id"
    graded = grade(ikm) if ikm is not None else None
    return {
        "respondents": respondents,
        "ikm": float(rounded(ikm)) if ikm is not None else None,
        "grade": graded["grade"] if graded else None,
        "grade_name": graded["name"][lang] if graded else None,
        "elements": [{"element_id": e.element_id,
                      "mean": float(rounded(m, 2)) if means else None}
                     for e, m in zip(ELEMENTS, means or [None] * len(ELEMENTS))],
    }
