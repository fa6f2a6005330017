"""How wide 10-point body text is, character by character, as Excel lays out Calibri.

Row heights are worked out when a workbook is written, since neither Excel nor LibreOffice
grows a row for wrapped text it did not lay out itself. Counting characters (1.25 a unit of
column width) made a row a line short wherever the words were wider than the average: "West
Northamptonshire" fits 21 characters by count, but at 99 points of Calibri it wraps in a
column of 17.7 units (93 points), and LibreOffice printed its second line half hidden under
the next row. These are the advance widths of Carlito, Calibri's metric twin (SIL Open Font
License; the same widths by design), in font units of 2048 to the em, for the printable
ASCII and Latin-1 characters, Latin Extended-A and the typographic quotes, dashes, bullet,
ellipsis and euro sign; another character counts as a wide letter (CHAR_FALLBACK).

    text_points("West Northamptonshire")   # 99.0 (10-point type)
"""

from __future__ import annotations

UNITS_PER_EM = 2048
CHAR_FALLBACK = 1100  # a wide letter's advance, for characters not listed
# The characters and their advances, in order.
CHARS = ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~¡¢£¤¥¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõö÷øùúûüýþÿĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĲĳĴĵĶķĸĹĺĻļĽľĿŀŁłŃńŅņŇňŉŊŋŌōŎŏŐőŒœŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſ‘’“”–—•…€'
ADVANCES = (
    463, 667, 821, 1020, 1038, 1464, 1397, 452, 621, 621, 1020, 1020, 511, 627, 517, 791, 1038,
    1038, 1038, 1038, 1038, 1038, 1038, 1038, 1038, 1038, 548, 548, 1020, 1020, 1020, 949, 1831,
    1185, 1114, 1092, 1260, 1000, 941, 1292, 1276, 516, 653, 1064, 861, 1751, 1322, 1356, 1058,
    1378, 1112, 941, 998, 1314, 1162, 1822, 1063, 998, 959, 628, 791, 628, 1020, 1020, 596, 981,
    1076, 866, 1076, 1019, 625, 964, 1076, 470, 490, 931, 470, 1636, 1076, 1080, 1076, 1076,
    714, 801, 686, 1076, 925, 1464, 887, 927, 809, 644, 943, 644, 1020, 667, 1020, 1038, 1020,
    1038, 1020, 1020, 804, 1709, 824, 1049, 1020, 1038, 807, 694, 1020, 688, 685, 598, 1126,
    1200, 517, 629, 504, 865, 1049, 1303, 1375, 1383, 949, 1185, 1185, 1185, 1185, 1185, 1185,
    1563, 1092, 1000, 1000, 1000, 1000, 516, 516, 516, 516, 1279, 1322, 1356, 1356, 1356, 1356,
    1356, 1020, 1359, 1314, 1314, 1314, 1314, 998, 1058, 1080, 981, 981, 981, 981, 981, 981,
    1583, 866, 1019, 1019, 1019, 1019, 470, 470, 470, 470, 1076, 1076, 1080, 1080, 1080, 1080,
    1080, 1020, 1084, 1076, 1076, 1076, 1076, 927, 1076, 927, 1185, 981, 1185, 981, 1185, 981,
    1092, 866, 1092, 866, 1092, 866, 1092, 866, 1260, 1164, 1279, 1130, 1000, 1019, 1000, 1019,
    1000, 1019, 1000, 1019, 1000, 1019, 1292, 964, 1292, 964, 1292, 964, 1292, 964, 1276, 1076,
    1344, 1091, 516, 470, 516, 470, 516, 470, 516, 470, 516, 470, 1170, 960, 653, 490, 1064,
    931, 931, 861, 470, 861, 470, 866, 540, 1118, 765, 880, 507, 1322, 1076, 1322, 1076, 1322,
    1076, 1186, 1287, 1076, 1356, 1080, 1356, 1080, 1356, 1080, 1775, 1740, 1112, 714, 1112,
    714, 1112, 714, 941, 801, 941, 801, 941, 801, 941, 801, 998, 686, 998, 708, 998, 700, 1314,
    1076, 1314, 1076, 1314, 1076, 1314, 1076, 1314, 1076, 1314, 1076, 1822, 1464, 998, 927, 998,
    959, 809, 959, 809, 959, 809, 497, 511, 511, 857, 857, 1020, 1854, 1020, 1414, 1038
)
WIDTH = dict(zip(CHARS, ADVANCES))


def text_points(text: str, size: float = 10.0) -> float:
    """The width in points of `text` set in one line of Calibri (Carlito) at `size` points."""
    return sum(WIDTH.get(ch, CHAR_FALLBACK) for ch in text) * size / UNITS_PER_EM
