"""Every path the pipeline uses, anchored to the package, never to the working directory."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
ROOT = PACKAGE.parent
INPUTS = ROOT / "inputs"
OUTPUTS = ROOT / "outputs"
TOPICS = PACKAGE / "topics"
CITY_SQL = "city"  # pipeline/topics/<id>/city/*.sql: a topic's per-commune tables at city level
CONFIG_NAME = "commune.toml"
# In a commune's inputs/: a copy of its city's configuration (the city sends it with its templates);
# the commune's package is written in the city's templates, so with the city's rows.
CITY_CONFIG_NAME = "cap_tren.toml"
EXAMPLES = ROOT / "examples"
CITY_EXAMPLE = EXAMPLES / "city.toml"  # a city's configuration: its communes as units

# Every file and folder name the pipeline writes or looks for, declared here once.
# In outputs/:
WAREHOUSE = "warehouse.duckdb"
WAREHOUSE_LOCK = "warehouse.lock"
BUILD_STATE = ".build_state.json"
VALIDATION_DIR = "validation"  # outputs/validation/<folders in inputs>/<file stem>/: report workbook, annotated copy
OVERVIEW = Path(VALIDATION_DIR) / "tong_hop_kiem_tra.xlsx"
FEEDBACK_REPORT = "ket_qua_kiem_tra.xlsx"
ANNOTATED_SUFFIX = "_danh_dau.xlsx"
REPORT = "bao_cao_so_ket.docx"
ANNEX = "phu_luc_so_lieu.xlsx"
BOARD_WORKBOOK = "tinh_hinh_nop_bieu_mau.xlsx"
PORTAL_DIR = "portal"  # outputs/portal/: build.log, gui/ (an upload's feedback: validation/received/<stem>/)
PACKAGE_DIR = "package"  # outputs/package/: the commune's package for its city («gói số liệu»), one workbook per template
PORTAL_BATCH_DIR = "gui"  # outputs/portal/gui/<token>.json: one upload's files, read by GET /result/<token>
# In inputs/:
COMMUNE_TEMPLATE = "mau_bao_cao.docx"  # a commune's own report template
SECTION_TEXTS = "loi_van"  # inputs/loi_van/<topic id>/section.vi.j2: the commune's edited section texts
ACCOUNTS = "accounts.json"
PORTAL_SECRET = ".portal_secret"
PORTAL_SESSIONS = ".portal_sessions.json"
# inputs/cau_hinh_cu/commune.<yyyy-mm-dd_hh-mm-ss>.toml: the configuration as it was before each save
# on the portal's settings page (kept: inputs/ is append-only)
CONFIG_HISTORY = "cau_hinh_cu"
RECEIVED = "received"  # inputs/received/: files uploaded on the portal
SIGNOFFS = "signoffs"  # inputs/signoffs/<time>_<unit>_<template>.json: a unit head confirmed a file (append-only)
CONFIRMATIONS = "confirmations"  # inputs/confirmations/<time>_<unit>_<sha8>.json: a unit confirmed a flagged figure
BACKUPS = "sao_luu"  # inputs/sao_luu/<time>_<sha8>.json: a backup of the record was made (store.backup; append-only)
RECORDS = (SIGNOFFS, CONFIRMATIONS, BACKUPS)  # folders of inputs/ holding records, never submissions


def outputs_inside_inputs(inputs: Path, outputs: Path) -> str | None:
    """Vietnamese, when outputs/ lies in (or is) inputs/: the pipeline would read its own
    outputs as received files. None when the two folders are apart."""
    inputs, outputs = Path(inputs).resolve(), Path(outputs).resolve()
    if outputs == inputs or outputs.is_relative_to(inputs):
        return (f"Thư mục kết quả ({outputs}) nằm trong thư mục nhận tệp inputs ({inputs}): chương trình "
                "sẽ đọc nhầm các tệp kết quả của chính nó như tệp các đơn vị gửi. Hãy chọn thư mục kết quả "
                "ở ngoài thư mục inputs (ví dụ: --outputs outputs) rồi chạy lại.")
    return None


def topic_ids() -> list[str]:
    """The template ids of the topic folders (read from the folder list, so that the configuration
    can be checked without importing the topics)."""
    return sorted(p.parent.name for p in TOPICS.glob("*/template.py"))
