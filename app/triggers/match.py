"""Does a bulletin concern our municipality, and how severely? One matcher per rule type.

A matcher turns a bulletin into ``Item``s: each is one thing residents could be told (the
intensity of one quake, one weather warning kind, our tsunami forecast area), with

* ``key``: what storm control tracks across bulletins (the same quake, the same warning kind),
* ``level``: a rank comparable within the rule type, so an escalation can be recognised,
* ``signature``: what we would tell residents; the same signature again tells them nothing new,
* ``values``: template placeholders (震度, 地域名, 警報種別 …).

A miss carries a reason in Japanese, because the verification tool shows it to the operator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from app.triggers import meteorology as met
from app.triggers import seismology as seis
from app.triggers import volcanology as volc
from app.triggers.bulletin import Bulletin, jst_label
from app.triggers.codes import CodeTables, Municipality

TYPES = ("earthquake", "eew", "tsunami", "weather", "landslide", "flood", "tornado",
         "record_rain", "volcano")
TYPE_LABELS = {
    "earthquake": "地震（震度）", "eew": "緊急地震速報", "tsunami": "津波",
    "weather": "気象警報・注意報",
    "landslide": "土砂災害警戒情報", "flood": "指定河川洪水予報", "tornado": "竜巻注意情報",
    "record_rain": "記録的短時間大雨情報", "volcano": "噴火警報",
}

COMMON_PLACEHOLDERS = ("情報名", "発表時刻", "発表官署", "市町村", "見出し")
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "earthquake": ("震度", "地域名", "発生時刻", "震源地", "規模", "深さ", "津波"),
    "eew": ("地域名", "予想震度", "震源地", "発生時刻", "到達予想"),
    "tsunami": ("地域名", "警報種別", "到達予想", "予想高さ", "行動"),
    "weather": ("地域名", "警報種別", "警戒レベル", "状況"),
    "landslide": ("地域名", "警報種別", "警戒レベル", "状況", "行動"),
    "flood": ("地域名", "河川名", "警報種別", "警戒レベル", "本文"),
    "tornado": ("地域名", "有効期限"),
    "record_rain": ("地域名", "雨量"),
    "volcano": ("地域名", "火山名", "警報種別", "警戒レベル", "状況"),
    "cancel": ("地域名", "本文"),
}
MAX_KEYS = frozenset({"警戒レベル", "震度", "予想震度", "行動"})  # from the most severe item


@dataclass(frozen=True)
class Condition:
    type: str
    min_intensity: str = ""  # earthquake, eew (normalized 5- …)
    scope: str = "municipality"  # earthquake: municipality | area (細分区域)
    forecast: bool = False  # eew: also 予報 (VXSE44/45); volcano: also 噴火予報
    tsunami_kinds: frozenset[str] = frozenset()  # normalized kind classes
    weather_codes: frozenset[str] = frozenset()
    min_level: int = 0  # 警戒レベル (weather, flood, volcano)
    statuses: frozenset[str] = frozenset({"発表", "切替"})  # 発表 切替 継続 解除
    rivers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Item:
    key: str
    level: int
    signature: str
    values: dict[str, str]
    clear: bool = False  # an all-clear (解除): told, never held back by the merge window
    label: str = ""  # short Japanese description for reasons


@dataclass(frozen=True)
class Match:
    items: tuple[Item, ...]
    base: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Miss:
    reason: str


Outcome = Match | Miss


def combine(match: Match, items: list[Item]) -> dict[str, str]:
    """Placeholder values for the items that survived storm control."""
    values = dict(match.base)
    top = max(items, key=lambda i: i.level)
    keys = [k for item in items for k in item.values]
    for key in dict.fromkeys(keys):
        if key in MAX_KEYS:
            values[key] = top.values.get(key, "")
        else:
            parts = [i.values[key] for i in items if i.values.get(key)]
            values[key] = "、".join(dict.fromkeys(parts))
    return values


def common_values(bulletin: Bulletin, town: Municipality) -> dict[str, str]:
    env = bulletin.envelope
    return {
        "情報名": env.head_title or env.control_title,
        "発表時刻": jst_label(env.report_time),
        "発表官署": env.editorial_office,
        "市町村": town.short_name,
        "見出し": env.headline or env.head_title or env.control_title,
    }


Matcher = Callable[[Bulletin, Condition, Municipality, CodeTables], Outcome]


# -- earthquake ---------------------------------------------------------------------------

def _quake_values(bulletin: Bulletin, quake: seis.Quake) -> dict[str, str]:
    hypo = quake.hypocenter
    env = bulletin.envelope
    return {
        "発生時刻": jst_label(hypo.origin_time if hypo and hypo.origin_time else env.target_time),
        "震源地": hypo.name if hypo else "調査中",
        "規模": hypo.magnitude if hypo else "調査中",
        "深さ": hypo.depth if hypo else "調査中",
        "津波": quake.comment or "津波に関する情報に注意してください。",
    }


def match_earthquake(b: Bulletin, cond: Condition, town: Municipality,
                     _codes: CodeTables) -> Outcome:
    if b.type_code == "VXSE52" or not isinstance(b.body, seis.Quake):
        return Miss("震度の情報を含まない電文です")
    quake = b.body
    threshold = seis.intensity_rank(cond.min_intensity or "1")
    five_lower = seis.intensity_rank("5-")
    if not quake.areas:
        return Miss("国内で震度は観測されていません（遠地地震など）")
    candidates: list[tuple[int, bool, str]] = []  # (rank, unreceived, place)
    if cond.scope == "area":
        for area in quake.areas:
            if area.code in town.quake_areas:
                unreceived = any(c.unreceived for c in quake.cities if c.area_code == area.code)
                candidates.append((seis.intensity_rank(area.max_int), unreceived, area.name))
    else:
        if b.type_code == "VXSE51":
            return Miss("震度速報には市町村ごとの震度がありません"
                        "（細分区域で判定するには scope = \"area\"）")
        for city in quake.cities:
            if city.code in town.codes:
                candidates.append((seis.intensity_rank(city.max_int), city.unreceived, city.name))
    if not candidates:
        where = "、".join(town.quake_areas.values()) if cond.scope == "area" else town.short_name
        return Miss(f"{where}の震度は発表されていません")
    rank, unreceived, place = max(candidates)
    # 震度５弱以上未入電: a station that may have felt ≥5弱 did not report (JMA.md §7.5).
    effective = max(rank, five_lower) if unreceived else rank
    if unreceived and rank < five_lower:
        label = "震度５弱以上の可能性（震度５弱以上未入電）"
    else:
        label = seis.intensity_label(seis.INTENSITIES[rank]) if rank >= 0 else "震度不明"
        if unreceived:
            label += "（震度５弱以上未入電の観測点あり）"
    if effective < threshold:
        return Miss(f"{place}は{label}で、条件（{seis.intensity_label(cond.min_intensity)}以上）"
                    "に達していません")
    eid = b.envelope.event_id
    values = {**_quake_values(b, quake), "震度": label,
              "地域名": place if cond.scope == "area" else town.short_name}
    return Match((Item(f"quake:{eid}", effective, f"{effective}:{int(unreceived)}", values,
                       label=f"{place} {label}"),))


# -- EEW ----------------------------------------------------------------------------------

def match_eew(b: Bulletin, cond: Condition, town: Municipality, _codes: CodeTables) -> Outcome:
    if not isinstance(b.body, seis.Eew):
        return Miss("緊急地震速報の本文がありません")
    if b.type_code != "VXSE43" and not cond.forecast:
        return Miss("緊急地震速報（予報）は条件の対象外です（forecast = true で対象）")
    threshold = seis.intensity_rank(cond.min_intensity) if cond.min_intensity else -1
    ours = [a for a in b.body.areas if a.code in town.quake_areas
            and (a.is_warning or cond.forecast)]
    if not ours:
        return Miss(f"{'・'.join(town.quake_areas.values()) or town.short_name}は"
                    "緊急地震速報の対象地域に含まれていません")
    best = max(ours, key=lambda a: seis.intensity_rank(a.int_from))
    rank = seis.intensity_rank(best.int_from)
    if rank < threshold:
        return Miss(f"{best.name}の予想震度（{seis.intensity_label(best.int_from)}）が条件に"
                    "達していません")
    predicted = seis.intensity_label(best.int_from)
    if best.int_to and best.int_to != best.int_from:
        upper = "以上" if best.int_to == "over" else "～" + seis.intensity_label(best.int_to)
        predicted += upper.replace("～震度", "～")
    hypo = b.body.hypocenter
    values = {
        "地域名": "、".join(dict.fromkeys(a.name for a in ours)),
        "予想震度": f"{predicted}程度",
        "震源地": hypo.name if hypo else "調査中",
        "発生時刻": jst_label(hypo.origin_time if hypo else b.envelope.target_time),
        "到達予想": best.condition or (jst_label(best.arrival, with_day=False) + "ごろ"
                                      if best.arrival else "まもなく"),
    }
    return Match((Item(f"eew:{b.envelope.event_id}", max(rank, 0),
                       f"{rank}:{int(best.is_warning)}", values,
                       label=f"{best.name} 予想{predicted}"),))


# -- tsunami ------------------------------------------------------------------------------

TSUNAMI_CLASS = {"52": "大津波警報", "53": "大津波警報", "51": "津波警報", "62": "津波注意報",
                 "71": "津波予報", "72": "津波予報", "73": "津波予報"}
TSUNAMI_RANK = {"大津波警報": 4, "津波警報": 3, "津波注意報": 2, "津波予報": 1}
TSUNAMI_CLEARS = {"50": "津波警報解除", "60": "津波注意報解除"}
# What to do, in JMA's own wording for each level (a 解除 must not say "evacuate now").
TSUNAMI_ACTIONS = {
    "大津波警報": "海岸や川の河口付近にいる人は、ただちに高台や避難ビルなど安全な場所へ避難して"
               "ください。津波は繰り返し襲ってきます。警報が解除されるまで安全な場所から離れないで"
               "ください。",
    "津波警報": "海岸や川の河口付近にいる人は、ただちに高台や避難ビルなど安全な場所へ避難して"
             "ください。津波は繰り返し襲ってきます。警報が解除されるまで安全な場所から離れないで"
             "ください。",
    "津波注意報": "海の中にいる人はただちに海から上がって、海岸から離れてください。注意報が解除"
               "されるまで海に入ったり海岸に近付いたりしないでください。",
    "津波予報": "若干の海面変動が予想されますが、被害の心配はありません。海に入っての作業や釣り、"
             "海水浴などに際しては十分な注意が必要です。",
    "解除": "津波による被害のおそれはなくなりました。ただし、しばらくは海面変動が続くことが"
          "あるため、海に入っての作業や釣りなどには十分注意してください。",
}


def match_tsunami(b: Bulletin, cond: Condition, town: Municipality,
                  _codes: CodeTables) -> Outcome:
    if not isinstance(b.body, seis.Tsunami):
        return Miss("津波の本文がありません")
    if not town.tsunami_areas:
        return Miss(town.tsunami_note or "津波予報区が設定されていません")
    ours = [a for a in b.body.areas if a.code in town.tsunami_areas]
    if not ours:
        return Miss(f"{'・'.join(town.tsunami_areas.values())}に津波の予報は出ていません")
    items: list[Item] = []
    misses: list[str] = []
    for area in ours:
        kind = TSUNAMI_CLASS.get(area.kind_code, "")
        last = TSUNAMI_CLASS.get(area.last_code, "")
        # 72/73 are "予報" after a 解除; 50/60 are plain 解除: both end a warning or advisory.
        cleared = area.kind_code in TSUNAMI_CLEARS or (
            area.kind_code in ("72", "73") and last in ("大津波警報", "津波警報", "津波注意報"))
        values = {"地域名": area.name, "到達予想": area.arrival or "不明",
                  "予想高さ": area.height or "不明"}
        if cleared and "解除" in cond.statuses:
            name = TSUNAMI_CLEARS.get(area.kind_code, f"{last}解除")
            items.append(Item(f"tsunami:{area.code}", 0, f"clear:{area.kind_code}",
                              {**values, "警報種別": name, "行動": TSUNAMI_ACTIONS["解除"]},
                              clear=True, label=f"{area.name} {name}"))
        elif kind in cond.tsunami_kinds and not cleared:
            items.append(Item(f"tsunami:{area.code}", TSUNAMI_RANK[kind], kind,
                              {**values, "警報種別": kind, "行動": TSUNAMI_ACTIONS[kind]},
                              label=f"{area.name} {kind}"))
        else:
            misses.append(f"{area.name}は{area.kind_name or 'なし'}（条件の対象外）")
    if not items:
        return Miss("、".join(misses))
    return Match(tuple(items))


# -- weather warnings ---------------------------------------------------------------------

SPECIAL = {"32", "33", "35", "36", "37", "38", "39"}
DANGER = {"43", "48", "49"}
LEVEL_BY_CODE = {"10": 2, "19": 2, "29": 2, "3": 3, "8": 3, "9": 3, "43": 4, "48": 4, "49": 4,
                 "33": 5, "38": 5, "39": 5}
LEVEL_BY_SIGNIFICANCY = {"21": 2, "22": 2, "31": 3, "41": 4, "51": 5}
FULL_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def weather_class(code: str) -> int:
    """注意報 2, 警報 3, 危険警報 4, 特別警報 5 — the ladder an escalation climbs."""
    if code in SPECIAL:
        return 5
    if code in DANGER:
        return 4
    if code.isdigit() and 2 <= int(code) <= 9:
        return 3
    if code.isdigit() and 10 <= int(code) <= 29:
        return 2
    return 0


def alert_level(kind: met.WarningKind) -> int:
    """警戒レベル: from Significancy in the 2026 format (JMA.md §3.4), else from the kind."""
    levels = [LEVEL_BY_SIGNIFICANCY[s.code] for s in kind.significancies
              if s.code in LEVEL_BY_SIGNIFICANCY]
    if levels:
        return max(levels)
    return LEVEL_BY_CODE.get(kind.code.lstrip("0") or "0", 0)


def level_text(level: int) -> str:
    return f"警戒レベル{str(level).translate(FULL_DIGITS)}相当" if level else "警戒レベルの対象外"


def status_class(status: str) -> str:
    if "から" in status:  # 特別警報から警報, 警報から注意報 …
        return "切替"
    return status


def match_weather(b: Bulletin, cond: Condition, town: Municipality,
                  _codes: CodeTables) -> Outcome:
    if not isinstance(b.body, met.Warnings):
        return Miss("警報・注意報の本文がありません")
    ours = [i for i in b.body.layer("（市町村等）") if i.code in town.codes]
    if not ours:
        return Miss(f"{town.short_name}の警報・注意報はこの電文にありません")
    found: dict[str, tuple[met.WarningKind, str]] = {}
    for area in ours:
        for kind in area.kinds:
            if kind.is_none:
                continue
            code = kind.code.lstrip("0") or "0"
            previous = found.get(code)
            # Parts of one municipality may differ (横浜市北部/南部): 発表 beats 継続.
            if previous is None or (previous[0].status != "発表" and kind.status == "発表"):
                found[code] = (kind, area.name)
    if not found:
        return Miss(f"{town.short_name}に発表中の警報・注意報はありません"
                    "（発表警報・注意報はなし）")
    items: list[Item] = []
    skipped: list[str] = []
    for code, (kind, place) in found.items():
        status = status_class(kind.status)
        level = alert_level(kind)
        name = kind.name or f"コード{code}"
        if kind.condition and kind.condition not in name:
            name = f"{name}（{kind.condition}）"
        if status not in cond.statuses:
            skipped.append(f"{name}（{kind.status}）")
            continue
        if cond.weather_codes and code not in cond.weather_codes:
            skipped.append(name)
            continue
        if cond.min_level and level < cond.min_level:
            skipped.append(f"{name}（{level_text(level)}）")
            continue
        clear = status == "解除"
        values = {"地域名": town.short_name if place in ("", town.short_name) else place,
                  "警報種別": name, "警戒レベル": level_text(level) if not clear else "解除",
                  "状況": kind.status}
        rank = 0 if clear else max(weather_class(code), level)
        items.append(Item(f"weather:{code}", rank, f"{code}:{status}", values, clear=clear,
                          label=f"{name} {kind.status}"))
    if not items:
        return Miss(f"{town.short_name}: 条件に合う警報・注意報はありません（"
                    + "、".join(skipped) + "）")
    return Match(tuple(items))


# -- landslide ----------------------------------------------------------------------------

def match_landslide(b: Bulletin, cond: Condition, town: Municipality,
                    _codes: CodeTables) -> Outcome:
    if not isinstance(b.body, met.Warnings):
        return Miss("土砂災害警戒情報の本文がありません")
    ours = [i for i in b.body.items if i.code in town.codes]
    kinds = [(k, i.name) for i in ours for k in i.kinds if k.code in ("3", "1")]
    if not kinds:
        return Miss(f"{town.short_name}に土砂災害警戒情報は発表されていません")
    kind, place = next(((k, p) for k, p in kinds if k.status == "発表"), kinds[0])
    status = kind.status
    if status not in cond.statuses:
        return Miss(f"{town.short_name}の土砂災害警戒情報は「{status}」です（条件の対象外）")
    head = b.envelope.head_title
    name = "レベル４土砂災害危険警報" if "レベル４土砂災害危険警報" in head else "土砂災害警戒情報"
    clear = status == "解除"
    action = ("土砂災害の危険度は下がりましたが、地盤が緩んでいるおそれがあります。崖の近くには"
              "引き続き近付かないでください。" if clear else
              "土砂災害の危険性が非常に高まっています。崖の近くや谷の出口など土砂災害警戒区域に"
              "お住まいの方は、市からの避難情報に従い、安全な場所へ避難してください。")
    values = {"地域名": place or town.short_name, "警報種別": name,
              "警戒レベル": "解除" if clear else level_text(4), "状況": status, "行動": action}
    return Match((Item(f"landslide:{b.envelope.event_id}", 0 if clear else 4, status, values,
                       clear=clear, label=f"{name} {status}"),))


# -- flood --------------------------------------------------------------------------------

def flood_level(flood: met.Flood) -> int:
    if "解除" in flood.kind_name or "解除" in flood.condition:
        return 0
    return int(flood.kind_code[0]) if flood.kind_code[:1].isdigit() else 0


def match_flood(b: Bulletin, cond: Condition, town: Municipality,
                codes: CodeTables) -> Outcome:
    if not isinstance(b.body, met.Flood):
        return Miss("指定河川洪水予報の本文がありません")
    flood = b.body
    ours = [c for c in flood.cities if c.code in town.codes
            or codes.municipality_of(c.code) == town.code]
    if not ours:
        return Miss(f"{town.short_name}は浸水想定地区に含まれていません")
    if cond.rivers and not set(flood.rivers) & cond.rivers:
        return Miss(f"{'・'.join(flood.rivers)}は条件の河川ではありません")
    level = flood_level(flood)
    clear = level == 0
    if clear and "解除" not in cond.statuses:
        return Miss(f"{flood.kind_name}（解除）は条件の対象外です")
    if not clear and level < (cond.min_level or 3):
        return Miss(f"{flood.kind_name}（{level_text(level)}）は条件"
                    f"（警戒レベル{cond.min_level or 3}以上）に達していません")
    values = {"地域名": town.short_name, "河川名": "・".join(flood.rivers) or "対象河川",
              "警報種別": flood.kind_name, "警戒レベル": "解除" if clear else level_text(level),
              "本文": flood.main_text or b.envelope.headline}
    return Match((Item(f"flood:{b.envelope.event_id}", level, flood.kind_code, values,
                       clear=clear, label=f"{values['河川名']} {flood.kind_name}"),))


# -- tornado, record rain -----------------------------------------------------------------

def match_tornado(b: Bulletin, _cond: Condition, town: Municipality,
                  _codes: CodeTables) -> Outcome:
    if not isinstance(b.body, met.Warnings):
        return Miss("竜巻注意情報の本文がありません")
    layer = b.body.layer("（市町村等）")
    if layer:
        ours = [i for i in layer if i.code in town.codes]
    else:  # older telegrams have no municipality layer
        ours = [i for i in b.body.layer("（一次細分区域等）") if i.code in town.first_areas]
    active = [i for i in ours if any(k.code == "1" for k in i.kinds)]
    if not active:
        return Miss(f"{town.short_name}に竜巻注意情報は発表されていません")
    env = b.envelope
    valid = jst_label(env.valid_time, with_day=False) + "まで" if env.valid_time else "1時間程度"
    values = {"地域名": town.short_name, "有効期限": valid}
    stamp = env.report_time.isoformat() if env.report_time else env.key
    return Match((Item("tornado", 1, stamp, values, label="竜巻注意情報"),))


def match_record_rain(b: Bulletin, _cond: Condition, town: Municipality,
                      codes: CodeTables) -> Outcome:
    env = b.envelope
    stamp = env.report_time.isoformat() if env.report_time else env.key
    if isinstance(b.body, met.Flash):
        if "記録雨" not in b.body.tags:
            tags = "・".join(b.body.tags) or "不明"
            return Miss(f"気象防災速報（{tags}）は記録的短時間大雨の条件の対象外です")
        ours = [a for a in b.body.areas if a.code in town.codes
                or codes.municipality_of(a.code) == town.code]
        if not ours:
            return Miss(f"{town.short_name}付近の記録的短時間大雨ではありません")
        values = {"地域名": "、".join(a.name for a in ours),
                  "雨量": "、".join(a.amount for a in ours if a.amount) or "猛烈な雨"}
        return Match((Item("record_rain", 1, stamp, values, label="記録的短時間大雨"),))
    if isinstance(b.body, met.Warnings):
        # VPOA50 names only 一次細分区域: the finest area it can tell (JMA.md §3.9).
        ours = [i for i in b.body.items if i.code in town.first_areas
                and any(k.code == "1" for k in i.kinds)]
        if not ours:
            return Miss(f"{town.short_name}を含む地域の記録的短時間大雨ではありません")
        values = {"地域名": "、".join(i.name for i in ours),
                  "雨量": env.headline.split("\n")[-1].strip() or "猛烈な雨"}
        return Match((Item("record_rain", 1, stamp, values, label="記録的短時間大雨"),))
    return Miss("記録的短時間大雨の本文がありません")


# -- volcano ------------------------------------------------------------------------------

def volcano_level(volcano: volc.Volcano) -> int:
    kind = volcano.level
    if kind is None or not kind.code.isdigit():
        return 0
    code = int(kind.code)
    if 11 <= code <= 15:
        return code - 10
    if 21 <= code <= 25:
        return code - 20
    return 0


def match_volcano(b: Bulletin, cond: Condition, town: Municipality,
                  codes: CodeTables) -> Outcome:
    if not isinstance(b.body, volc.Volcano):
        return Miss("噴火警報・予報の本文がありません")
    volcano = b.body
    ours = [k for k in volcano.municipal
            if any(c in town.codes or codes.municipality_of(c) == town.code for c, _ in k.areas)]
    if not ours:
        return Miss(f"{town.short_name}は{volcano.name or '火山'}の対象市町村ではありません")
    kind = ours[0]
    level = volcano_level(volcano)
    is_forecast = kind.code in ("04", "05")
    clear = kind.condition == "解除" or kind.code == "04"
    status = {"引上げ": "発表", "引下げ": "切替"}.get(kind.condition, kind.condition)
    if clear and "解除" not in cond.statuses:
        return Miss(f"{volcano.name}: {kind.name}（解除）は条件の対象外です")
    if not clear and is_forecast and not cond.forecast:
        return Miss(f"{volcano.name}: 噴火予報は条件の対象外です")
    if not clear and status not in cond.statuses:
        return Miss(f"{volcano.name}: {kind.name}（{kind.condition}）は条件の対象外です")
    if not clear and cond.min_level and level < cond.min_level:
        return Miss(f"{volcano.name}: 噴火警戒レベル{level}は条件（レベル{cond.min_level}以上）"
                    "に達していません")
    level_name = volcano.level.name if volcano.level else "なし"
    values = {"地域名": town.short_name, "火山名": volcano.name, "警報種別": kind.name,
              "警戒レベル": level_name, "状況": kind.condition}
    rank = 0 if clear else max(level, 1)
    return Match((Item(f"volcano:{volcano.code}", rank, f"{kind.code}:{level}", values,
                       clear=clear, label=f"{volcano.name} {kind.name}"),))


MATCHERS: dict[str, Matcher] = {
    "earthquake": match_earthquake, "eew": match_eew, "tsunami": match_tsunami,
    "weather": match_weather, "landslide": match_landslide, "flood": match_flood,
    "tornado": match_tornado, "record_rain": match_record_rain, "volcano": match_volcano,
}


def evaluate(b: Bulletin, cond: Condition, town: Municipality, codes: CodeTables) -> Outcome:
    if b.family != cond.type:
        return Miss("")  # another rule type: not worth a reason line
    return MATCHERS[cond.type](b, cond, town, codes)
