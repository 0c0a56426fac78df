"""Text measures the media count in, and the fixed phrases renderers add, per language."""

from __future__ import annotations

from dataclasses import dataclass, field


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, as LINE counts (𠮷 and most emoji count 2)."""
    return len(text.encode("utf-16-le")) // 2


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class Phrases:
    """What a renderer or a follow-up adds around the operator's text, in one language.

    The operator's own words are translated and reviewed per message; these fixed phrases
    are reviewed once, here. ``cancel_notice`` takes the original title as ``{title}``.
    """

    training_mark: str
    training_notice: str
    training_footer: str
    emergency_mark: str
    correction_mark: str
    cancellation_mark: str
    before_correction: str
    cancelled_content: str
    cancel_notice: str
    reason: str
    category_label: str
    urgency_label: str
    urgencies: dict[str, str] = field(default_factory=dict)  # emergency|important|normal
    categories: dict[str, str] = field(default_factory=dict)  # app.domain.CATEGORIES codes


JA = Phrases(
    training_mark="【訓練】",
    training_notice="これは訓練です。実際の災害ではありません。",
    training_footer="（訓練）",
    emergency_mark="【緊急】",
    correction_mark="【訂正】",
    cancellation_mark="【取消】",
    before_correction="――訂正前の内容――",
    cancelled_content="――取り消した内容――",
    cancel_notice="先ほどお知らせした「{title}」は取り消します。",
    reason="理由",
    category_label="配信区分",
    urgency_label="緊急度",
    urgencies={"emergency": "緊急", "important": "重要", "normal": "通常"},
    categories={"disaster": "防災", "crime": "防犯", "health": "健康", "event": "イベント",
                "life": "くらし", "weather": "気象"},
)

EN = Phrases(
    training_mark="[DRILL] ",
    training_notice="This is a drill. This is not a real disaster.",
    training_footer="(Drill)",
    emergency_mark="[EMERGENCY] ",
    correction_mark="[CORRECTION] ",
    cancellation_mark="[CANCELLATION] ",
    before_correction="-- Before the correction --",
    cancelled_content="-- The cancelled message --",
    cancel_notice="The earlier message \"{title}\" is cancelled.",
    reason="Reason",
    category_label="Category",
    urgency_label="Urgency",
    urgencies={"emergency": "Emergency", "important": "Important", "normal": "Normal"},
    categories={"disaster": "Disaster prevention", "crime": "Crime prevention",
                "health": "Health", "event": "Events", "life": "Daily life",
                "weather": "Weather"},
)

# Easy Japanese follows the Agency for Cultural Affairs guidance for foreign residents:
# short sentences, kanji with their reading in brackets.
EASY = Phrases(
    training_mark="【訓練（くんれん）】",
    training_notice=("これは 訓練（くんれん）です。"
                     "本当（ほんとう）の 災害（さいがい）では ありません。"),
    training_footer="（訓練（くんれん））",
    emergency_mark="【緊急（きんきゅう）】",
    correction_mark="【訂正（ていせい）】",
    cancellation_mark="【取消（とりけし）】",
    before_correction="――なおす 前（まえ）の お知（し）らせ――",
    cancelled_content="――とりけした お知（し）らせ――",
    cancel_notice="さっき お知（し）らせした「{title}」は とりけします。",
    reason="理由（りゆう）",
    category_label="種類（しゅるい）",
    urgency_label="大切（たいせつ）さ",
    urgencies={"emergency": "緊急（きんきゅう）", "important": "大切（たいせつ）",
               "normal": "ふつう"},
    categories={"disaster": "災害（さいがい）", "crime": "犯罪（はんざい）",
                "health": "健康（けんこう）", "event": "イベント", "life": "くらし",
                "weather": "天気（てんき）"},
)

ZH_CN = Phrases(
    training_mark="【演习】",
    training_notice="这是演习，并非真实灾害。",
    training_footer="（演习）",
    emergency_mark="【紧急】",
    correction_mark="【更正】",
    cancellation_mark="【取消】",
    before_correction="――更正前的内容――",
    cancelled_content="――已取消的内容――",
    cancel_notice="此前发布的「{title}」现予取消。",
    reason="理由",
    category_label="类别",
    urgency_label="紧急程度",
    urgencies={"emergency": "紧急", "important": "重要", "normal": "一般"},
    categories={"disaster": "防灾", "crime": "防范犯罪", "health": "健康", "event": "活动",
                "life": "生活", "weather": "气象"},
)

ZH_TW = Phrases(
    training_mark="【演習】",
    training_notice="這是演習，並非真實災害。",
    training_footer="（演習）",
    emergency_mark="【緊急】",
    correction_mark="【更正】",
    cancellation_mark="【取消】",
    before_correction="――更正前的內容――",
    cancelled_content="――已取消的內容――",
    cancel_notice="此前發布的「{title}」現予取消。",
    reason="理由",
    category_label="類別",
    urgency_label="緊急程度",
    urgencies={"emergency": "緊急", "important": "重要", "normal": "一般"},
    categories={"disaster": "防災", "crime": "防範犯罪", "health": "健康", "event": "活動",
                "life": "生活", "weather": "氣象"},
)

KO = Phrases(
    training_mark="【훈련】",
    training_notice="이것은 훈련입니다. 실제 재난이 아닙니다.",
    training_footer="(훈련)",
    emergency_mark="【긴급】",
    correction_mark="【정정】",
    cancellation_mark="【취소】",
    before_correction="―― 정정 전 내용 ――",
    cancelled_content="―― 취소된 내용 ――",
    cancel_notice="앞서 알려 드린 「{title}」은(는) 취소합니다.",
    reason="이유",
    category_label="분류",
    urgency_label="긴급도",
    urgencies={"emergency": "긴급", "important": "중요", "normal": "일반"},
    categories={"disaster": "방재", "crime": "방범", "health": "건강", "event": "행사",
                "life": "생활", "weather": "기상"},
)

PT = Phrases(
    training_mark="[SIMULADO] ",
    training_notice="Isto é um simulado. Não é um desastre real.",
    training_footer="(Simulado)",
    emergency_mark="[EMERGÊNCIA] ",
    correction_mark="[CORREÇÃO] ",
    cancellation_mark="[CANCELAMENTO] ",
    before_correction="-- Antes da correção --",
    cancelled_content="-- Mensagem cancelada --",
    cancel_notice="A mensagem anterior \"{title}\" foi cancelada.",
    reason="Motivo",
    category_label="Categoria",
    urgency_label="Urgência",
    urgencies={"emergency": "Emergência", "important": "Importante", "normal": "Normal"},
    categories={"disaster": "Prevenção de desastres", "crime": "Prevenção de crimes",
                "health": "Saúde", "event": "Eventos", "life": "Vida diária",
                "weather": "Meteorologia"},
)

ES = Phrases(
    training_mark="[SIMULACRO] ",
    training_notice="Esto es un simulacro. No es un desastre real.",
    training_footer="(Simulacro)",
    emergency_mark="[EMERGENCIA] ",
    correction_mark="[CORRECCIÓN] ",
    cancellation_mark="[CANCELACIÓN] ",
    before_correction="-- Antes de la corrección --",
    cancelled_content="-- Mensaje cancelado --",
    cancel_notice="El mensaje anterior \"{title}\" queda cancelado.",
    reason="Motivo",
    category_label="Categoría",
    urgency_label="Urgencia",
    urgencies={"emergency": "Emergencia", "important": "Importante", "normal": "Normal"},
    categories={"disaster": "Prevención de desastres", "crime": "Prevención del delito",
                "health": "Salud", "event": "Eventos", "life": "Vida diaria",
                "weather": "Meteorología"},
)

VI = Phrases(
    training_mark="[DIỄN TẬP] ",
    training_notice="Đây là diễn tập. Không phải thảm họa thật.",
    training_footer="(Diễn tập)",
    emergency_mark="[KHẨN CẤP] ",
    correction_mark="[ĐÍNH CHÍNH] ",
    cancellation_mark="[HỦY BỎ] ",
    before_correction="-- Nội dung trước khi đính chính --",
    cancelled_content="-- Nội dung đã hủy --",
    cancel_notice="Thông báo trước đó \"{title}\" đã bị hủy.",
    reason="Lý do",
    category_label="Loại",
    urgency_label="Mức độ khẩn cấp",
    urgencies={"emergency": "Khẩn cấp", "important": "Quan trọng", "normal": "Thông thường"},
    categories={"disaster": "Phòng chống thiên tai", "crime": "Phòng chống tội phạm",
                "health": "Sức khỏe", "event": "Sự kiện", "life": "Đời sống",
                "weather": "Thời tiết"},
)

ID = Phrases(
    training_mark="[LATIHAN] ",
    training_notice="Ini adalah latihan. Bukan bencana sungguhan.",
    training_footer="(Latihan)",
    emergency_mark="[DARURAT] ",
    correction_mark="[RALAT] ",
    cancellation_mark="[PEMBATALAN] ",
    before_correction="-- Isi sebelum ralat --",
    cancelled_content="-- Isi yang dibatalkan --",
    cancel_notice="Pesan sebelumnya \"{title}\" dibatalkan.",
    reason="Alasan",
    category_label="Kategori",
    urgency_label="Tingkat urgensi",
    urgencies={"emergency": "Darurat", "important": "Penting", "normal": "Biasa"},
    categories={"disaster": "Penanggulangan bencana", "crime": "Pencegahan kejahatan",
                "health": "Kesehatan", "event": "Acara", "life": "Kehidupan sehari-hari",
                "weather": "Cuaca"},
)


def _japanese_and_english() -> Phrases:
    """For a language whose fixed wording nobody here could vouch for (タガログ語, ネパール語,
    タイ語, ミャンマー語): Japanese and English side by side, never a guessed translation."""

    def both(ja: str, en: str) -> str:
        return f"{ja} {en}" if not ja.startswith("【") else f"{ja}{en}"

    return Phrases(
        training_mark=both(JA.training_mark, EN.training_mark),
        training_notice=f"{JA.training_notice}\n{EN.training_notice}",
        training_footer=both(JA.training_footer, EN.training_footer),
        emergency_mark=both(JA.emergency_mark, EN.emergency_mark),
        correction_mark=both(JA.correction_mark, EN.correction_mark),
        cancellation_mark=both(JA.cancellation_mark, EN.cancellation_mark),
        before_correction=f"{JA.before_correction} {EN.before_correction}",
        cancelled_content=f"{JA.cancelled_content} {EN.cancelled_content}",
        cancel_notice=f"{JA.cancel_notice}\n{EN.cancel_notice}",
        reason=f"{JA.reason} / {EN.reason}",
        category_label=f"{JA.category_label} / {EN.category_label}",
        urgency_label=f"{JA.urgency_label} / {EN.urgency_label}",
        urgencies={k: f"{v} / {EN.urgencies[k]}" for k, v in JA.urgencies.items()},
        categories={k: f"{v} / {EN.categories[k]}" for k, v in JA.categories.items()},
    )


JA_AND_EN = _japanese_and_english()

PHRASES: dict[str, Phrases] = {
    "ja": JA, "ja-easy": EASY, "en": EN, "zh-CN": ZH_CN, "zh-TW": ZH_TW, "ko": KO,
    "pt": PT, "es": ES, "vi": VI, "id": ID,
}


def phrases(language: str) -> Phrases:
    """The fixed phrases of ``language``; Japanese with English for one without a table."""
    return PHRASES.get(language, JA_AND_EN)


def category_name(code: str, language: str = "ja") -> str:
    return phrases(language).categories.get(code, code)


def urgency_name(code: str, language: str = "ja") -> str:
    return phrases(language).urgencies.get(code, code)


def _follow_up_marks() -> tuple[str, ...]:
    marks = {p.correction_mark for p in (*PHRASES.values(), JA_AND_EN)}
    marks |= {p.cancellation_mark for p in (*PHRASES.values(), JA_AND_EN)}
    return tuple(sorted(marks, key=len, reverse=True))  # longest first: 【取消】[CANCEL…]


FOLLOW_UP_MARKS = _follow_up_marks()


def bracketed_title(title: str) -> str:
    """「【件名】」 as chat and SMS media head a message; a follow-up keeps its mark outside:
    「【訂正】【大雨警報】」, never 「【【訂正】大雨警報】」 (in every language's mark)."""
    title = title.strip()
    for mark in FOLLOW_UP_MARKS:
        if title.startswith(mark):
            return f"{mark}【{title.removeprefix(mark).strip()}】"
    return f"【{title}】"
