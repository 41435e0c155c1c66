"""The survey's arithmetic (domain/skm.py) against PermenPANRB 14/2017: the index from a
worked example computed by hand, the grade boundaries, the exact 1/9 weight, and the
Krejcie-Morgan minimum against its published table."""
from decimal import Decimal
from fractions import Fraction

import pytest

from chalicelib.domain import skm

# Three respondents, nine elements each (the order of skm.ELEMENTS):
#   R1: 4 3 3 4 3 4 4 3 3   (31)
#   R2: 3 3 2 4 3 3 4 2 3   (27)
#   R3: 4 4 3 4 4 3 4 3 2   (31)
# element sums:  11 10 8 12 10 10 12 8 8   (89 = 31 + 27 + 31)
# element means: 11/3 10/3 8/3 4 10/3 10/3 4 8/3 8/3 (3.67 3.33 2.67 4.00 3.33 3.33 4.00 2.67 2.67)
# IKM = (sum of the means) x 1/9 x 25 = (89/3) / 9 x 25 = 2225/27 = 82.4074... -> 82.41, B (Baik)
RESPONSES = [(4, 3, 3, 4, 3, 4, 4, 3, 3), (3, 3, 2, 4, 3, 3, 4, 2, 3), (4, 4, 3, 4, 4, 3, 4, 3, 2)]
SUMS = [sum(r[i] for r in RESPONSES) for i in range(9)]


def test_the_worked_example():
    assert SUMS == [11, 10, 8, 12, 10, 10, 12, 8, 8]
    assert skm.element_means(SUMS, 3) == [Fraction(11, 3), Fraction(10, 3), Fraction(8, 3), 4,
                                          Fraction(10, 3), Fraction(10, 3), 4, Fraction(8, 3),
                                          Fraction(8, 3)]
    assert skm.index(SUMS, 3) == Fraction(2225, 27)
    found = skm.summary(SUMS, 3, "id")
    assert found["ikm"] == 82.41 and found["grade"] == "B" and found["grade_name"] == "Baik"
    assert [e["mean"] for e in found["elements"]] == [3.67, 3.33, 2.67, 4.0, 3.33, 3.33, 4.0,
                                                      2.67, 2.67]
    assert skm.summary(SUMS, 3, "en")["grade_name"] == "Good"


def test_the_index_runs_from_25_to_100():
    assert skm.index([1] * 9, 1) == 25 and skm.index([4] * 9, 1) == 100
    assert skm.index([0] * 9, 0) is None
    assert skm.summary([0] * 9, 0)["ikm"] is None and skm.summary([0] * 9, 0)["grade"] is None


def test_the_exact_ninth_and_not_0_111():
    # five respondents whose 45 scores add to 159: sum of means 31.8,
    # exact: 31.8 x 25 / 9 = 88.333 -> A; with 0.111: 31.8 x 0.111 x 25 = 88.245 -> B
    sums = [18, 18, 18, 18, 18, 18, 17, 17, 17]
    exact = skm.index(sums, 5)
    rough = skm.index(sums, 5, weight=Fraction("0.111"))
    assert skm.rounded(exact) == Decimal("88.33") and skm.grade(exact)["grade"] == "A"
    assert skm.rounded(rough) == Decimal("88.25") and skm.grade(rough)["grade"] == "B"
    # and at the top of the scale 0.111 loses a tenth of a point
    assert skm.index([4] * 9, 1, weight=Fraction("0.111")) == Fraction("99.9")
    assert skm.WEIGHT == Fraction(1, 9)


@pytest.mark.parametrize("value, letter", [
    ("100", "A"), ("88.31", "A"), ("88.305", "A"), ("88.3049", "B"), ("88.30", "B"),
    ("76.61", "B"), ("76.605", "B"), ("76.60", "C"), ("65.00", "C"), ("64.995", "C"),
    ("64.99", "D"), ("25", "D")])
def test_grade_boundaries_on_the_index_rounded_to_two_places(value, letter):
    assert skm.grade(Fraction(value))["grade"] == letter


def test_grade_names():
    assert [skm.grade(Fraction(v))["name"]["id"] for v in ("90", "80", "70", "50")] == [
        "Sangat Baik", "Baik", "Kurang Baik", "Tidak Baik"]


def test_nine_elements_with_four_points_in_both_languages():
    assert len(skm.ELEMENTS) == 9
    for lang in ("id", "en"):
        asked = skm.questions(lang)
        assert [q["element_id"] for q in asked] == list(skm.ELEMENT_IDS)
        for q in asked:
            assert q["question"] and [p["score"] for p in q["points"]] == [1, 2, 3, 4]
            assert all(p["label"] for p in q["points"])
    labels = {q["element_id"]: [p["label"] for p in q["points"]] for q in skm.questions("id")}
    assert labels["persyaratan"] == ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"]
    assert labels["waktu"] == ["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"]
    assert labels["biaya"] == ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"]
    assert skm.questions("en")[3]["points"][3]["label"] == "Free"


# Krejcie & Morgan (1970), Table 1: population N -> sample size s
TABLE = {10: 10, 15: 14, 20: 19, 25: 24, 30: 28, 35: 32, 40: 36, 45: 40, 50: 44, 55: 48,
         60: 52, 65: 56, 70: 59, 75: 63, 80: 66, 85: 70, 90: 73, 95: 76, 100: 80, 110: 86,
         120: 92, 130: 97, 140: 103, 150: 108, 160: 113, 170: 118, 180: 123, 190: 127,
         200: 132, 210: 136, 220: 140, 230: 144, 240: 148, 250: 152, 260: 155, 270: 159,
         280: 162, 290: 165, 300: 169, 320: 175, 340: 181, 360: 186, 380: 191, 400: 196,
         420: 201, 440: 205, 460: 210, 480: 214, 500: 217, 550: 226, 600: 234, 650: 242,
         700: 248, 750: 254, 800: 260, 850: 265, 900: 269, 950: 274, 1000: 278, 1100: 285,
         1200: 291, 1300: 297, 1400: 302, 1500: 306, 1600: 310, 1700: 313, 1800: 317,
         1900: 320, 2000: 322, 2200: 327, 2400: 331, 2600: 335, 2800: 338, 3000: 341,
         3500: 346, 4000: 351, 4500: 354, 5000: 357, 6000: 361, 7000: 364, 8000: 367,
         9000: 368, 10000: 370, 15000: 375, 20000: 377, 30000: 379, 40000: 380, 50000: 381,
         75000: 382, 1000000: 384}


def test_krejcie_morgan_reproduces_the_table():
    # (the table's 100000 -> 384 is the formula's limit; the formula says 383 there)
    assert {n: skm.krejcie_morgan(n) for n in TABLE} == TABLE
    assert skm.krejcie_morgan(0) == 0 and skm.krejcie_morgan(3) == 3
