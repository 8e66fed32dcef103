"""Word lists per language that quantity suggestions look words up in."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = ["ABBREVIATED", "CURRENCIES", "MULTIPLIERS", "ORDINALS", "Table", "table_for"]

CURRENCIES = set("$€£¥₽₴")
ABBREVIATED = {"тыс", "млн", "млрд", "mio", "mrd"}  # scales whose period is not a sentence end
ORDINALS = {"st", "nd", "rd", "th", "º", "ª", "er", "e", "ème", "eme", "o", "a", "й", "го"}
MULTIPLIERS = {"hundred": Decimal(100), "dozen": Decimal(12)}  # English, inside number words


@dataclass(frozen=True, slots=True)
class Table:
    """One language's words, in the forms the quantity parser looks up."""

    qualifiers: dict[tuple[str, ...], str]
    openers: set[str]  # "between", "from"
    to_words: set[str]  # make a range on their own: "100 to 200"
    and_words: set[str]  # make a range only after an opener: "between 100 and 200"
    of_words: set[str]  # after a plural: "hundreds of"
    conj: set[str]
    stop: set[str]
    scales: dict[str, Decimal]
    plurals: dict[str, Decimal]
    percent: set[tuple[str, ...]]
    months: set[str]  # exact spelling: "May" is a month, "may" a verb
    year_preps: set[str]
    words: dict[str, Decimal]  # number words (English only)


def _lang(
    qualifiers: dict[str, str],
    openers: str,
    to: str,
    and_: str,
    of: str,
    conj: str,
    stop: str,
    scales: str,
    plurals: str,
    percent: str,
    months: str,
    year_preps: str,
    capitalize: bool,
) -> Table:
    def numbers(spec: str) -> dict[str, Decimal]:
        return {w: Decimal(v) for w, v in (item.split(":") for item in spec.split())}

    month_set = set(months.split())
    return Table(
        qualifiers={tuple(p.split()): q for q, phrases in qualifiers.items() for p in phrases.split("|")},
        openers=set(openers.split()),
        to_words=set(to.split()),
        and_words=set(and_.split()),
        of_words=set(of.split()),
        conj=set(conj.split()),
        stop=set(stop.split()),
        scales=numbers(scales),
        plurals=numbers(plurals),
        percent={tuple(p.split()) for p in percent.split("|")} | {("%",)},
        months=month_set | {m.capitalize() for m in month_set} if capitalize else month_set,
        year_preps=set(year_preps.split()),
        words={},
    )


_EN = _lang(
    {
        "up to": "up to|as many as|no more than|not more than|at most",
        "at least": "at least|no fewer than|no less than|not fewer than|not less than",
        "approximately": "some|about|around|roughly|nearly|almost|approximately|circa|an estimated|close to",
        "more than": "more than|over|above|in excess of|upwards of",
        "less than": "less than|fewer than|under|below",
    },
    "between from",
    "to",
    "and",
    "of",
    "and or",
    "to from in on at for with by into onto toward towards across along near against during since until"
    " after before than as via over under about around of that which who whom whose where when while"
    " will would could should can may might must shall is are was were be been being has have had do does"
    " did said says say the a an this these those its their his her our",
    "hundred:100 thousand:1000 million:1e6 billion:1e9 trillion:1e12 bn:1e9",
    "tens:10 dozens:12 hundreds:100 thousands:1000 millions:1e6 billions:1e9",
    "percent|per cent",
    "January February March April May June July August September October November December"
    " Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec",
    "in since until till before after during",
    capitalize=False,
)
_SMALL = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_EN.words.update({w: Decimal(i) for i, w in enumerate(_SMALL)})
_EN.words.update({w: Decimal(10 * (i + 2)) for i, w in enumerate(_TENS)})

_LANGS = {
    "en": _EN,
    "es": _lang(
        {
            "up to": "hasta|no más de|como máximo",
            "approximately": "cerca de|unos|unas|alrededor de|aproximadamente|casi|en torno a",
            "at least": "al menos|por lo menos|como mínimo|no menos de",
            "more than": "más de",
            "less than": "menos de",
        },
        "entre de desde",
        "a hasta",
        "y e",
        "de",
        "y e o u",
        "a al de del en con por para desde hacia hasta sobre entre que como es son fue fueron ha han será"
        " serán se el la los las lo su sus",
        "mil:1000 millón:1e6 millones:1e6 billón:1e12 billones:1e12",
        "decenas:10 cientos:100 centenares:100 miles:1000 millones:1e6",
        "por ciento",
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
        "en desde",
        capitalize=True,
    ),
    "pt": _lang(
        {
            "up to": "até|não mais de|não mais que|no máximo",
            "approximately": "cerca de|quase|aproximadamente|uns|umas|por volta de|em torno de",
            "at least": "pelo menos|ao menos|no mínimo|não menos de|não menos que",
            "more than": "mais de",
            "less than": "menos de",
        },
        "entre de desde",
        "a até",
        "e",
        "de",
        "e ou",
        "a à ao aos de do da dos das em no na nos nas com por para pelo pela desde até sobre entre que como"
        " é são foi foram será serão se o os as seu sua",
        "mil:1000 milhão:1e6 milhões:1e6 bilhão:1e9 bilhões:1e9",
        "dezenas:10 centenas:100 milhares:1000 milhões:1e6",
        "por cento",
        "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
        "em desde",
        capitalize=True,
    ),
    "fr": _lang(
        {
            "up to": "jusqu' à|pas plus de|au plus|au maximum",
            "approximately": "environ|près de|presque|quelque|autour de",
            "at least": "au moins|au minimum|pas moins de",
            "more than": "plus de",
            "less than": "moins de",
        },
        "entre de",
        "à",
        "et",
        "de d'",
        "et ou",
        "à au aux de d' du des en dans sur avec par pour vers depuis jusqu' entre que qui est sont était"
        " sera seront a ont le la les l' se son sa ses",
        "mille:1000 million:1e6 millions:1e6 milliard:1e9 milliards:1e9",
        "dizaines:10 centaines:100 milliers:1000 millions:1e6",
        "pour cent|pourcent",
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
        "en depuis",
        capitalize=True,
    ),
    "de": _lang(
        {
            "up to": "bis zu|nicht mehr als|höchstens",
            "approximately": "etwa|rund|ungefähr|fast|knapp|circa",
            "at least": "mindestens|wenigstens|nicht weniger als",
            "more than": "mehr als|über",
            "less than": "weniger als|unter",
        },
        "zwischen von",
        "bis",
        "und",
        "von",
        "und oder",
        "in im an am auf aus bei mit nach von vom zu zum zur für gegen über unter seit bis der die das den"
        " dem des ist sind war waren wird werden hat haben als wie sein seine ihre",
        "tausend:1000 million:1e6 millionen:1e6 milliarde:1e9 milliarden:1e9 mio:1e6 mrd:1e9",
        "zehntausende:10000 dutzende:12 hunderte:100 hunderttausende:100000 tausende:1000 millionen:1e6",
        "prozent",
        "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
        "im seit",
        capitalize=False,
    ),
    "ru": _lang(
        {
            "up to": "до|не более|не больше",
            "approximately": "около|почти|примерно|приблизительно|порядка",
            "at least": "не менее|не меньше|как минимум|по меньшей мере",
            "more than": "более|больше|свыше|более чем",
            "less than": "менее|меньше",
        },
        "между от с",
        "до по",
        "и",
        "",
        "и или",
        "в во на к ко с со из от до по для у о об за под над при через около между что который которые"
        " будет будут был были более менее",
        "тысяча:1000 тысячи:1000 тысяч:1000 тыс:1000 миллион:1e6 миллиона:1e6 миллионов:1e6 млн:1e6"
        " миллиард:1e9 миллиарда:1e9 миллиардов:1e9 млрд:1e9",
        "десятки:10 сотни:100 тысячи:1000 миллионы:1e6",
        "процент|процента|процентов",
        "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
        "в с",
        capitalize=True,
    ),
}


def table_for(lang: str) -> Table:
    """The table of an ISO 639-1 code ("pt", "pt-BR", "pt_BR"); English for unknown languages."""
    return _LANGS.get(lang.split("-")[0].split("_")[0].lower(), _EN)
