"""What kind of document a file is: text, PDF, DOCX, or something we do not read."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Literal

DocumentKind = Literal["text", "pdf", "docx"]

PDF_MIME = "application/pdf"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_PDF_MAGIC = b"%PDF-"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a password-protected DOCX is wrapped in this
_UNICODE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_SNIFF = 8192  # bytes looked at to tell text from binary

_TEXT_MIME = frozenset(
    {
        "application/json", "application/ld+json", "application/x-ndjson",
        "application/xml", "application/xhtml+xml", "application/yaml", "application/x-yaml",
        "application/toml", "application/javascript", "application/x-javascript",
        "application/ecmascript", "application/typescript", "application/x-sh",
        "application/x-shellscript", "application/sql", "application/x-sql",
        "application/csv", "application/x-httpd-php", "application/x-php",
        "application/x-python", "application/x-subrip", "application/x-tex",
        "application/graphql", "application/x-perl", "application/x-ruby",
    }
)
_TEXT_SUFFIXES = frozenset(
    {
        # prose, data and markup
        "txt", "text", "md", "markdown", "rst", "adoc", "org", "tex", "csv", "tsv", "json",
        "jsonl", "ndjson", "yaml", "yml", "xml", "html", "htm", "xhtml", "svg", "css", "scss",
        "sass", "less", "log", "srt", "vtt", "ics", "vcf",
        # configuration
        "ini", "cfg", "conf", "toml", "env", "properties", "editorconfig", "gitignore",
        "dockerignore", "gradle", "tf", "hcl", "nix",
        # source code
        "py", "pyi", "ipynb", "js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx", "vue",
        "svelte", "go", "rs", "java", "kt", "kts", "scala", "groovy", "c", "h", "cpp", "cc",
        "cxx", "hpp", "hh", "hxx", "m", "mm", "cs", "fs", "vb", "swift", "rb", "php", "pl",
        "pm", "lua", "r", "jl", "dart", "ex", "exs", "erl", "hs", "clj", "elm", "zig", "nim",
        "sh", "bash", "zsh", "fish", "ps1", "bat", "cmd", "sql", "graphql", "gql", "proto",
        "cmake", "mk", "diff", "patch", "asm", "s",
    }
)
_TEXT_NAMES = frozenset(
    {"dockerfile", "makefile", "readme", "license", "changelog", "procfile", "gemfile",
     "rakefile", "jenkinsfile", "vagrantfile", "cmakelists.txt"}
)


def base_mime(mime_type: str | None) -> str:
    """The MIME type without parameters, lower case ('' when there is none)."""
    return (mime_type or "").split(";", 1)[0].strip().lower()


def document_kind(data: bytes, file_name: str | None, mime_type: str | None) -> DocumentKind | None:
    """How to read a document, from its bytes, name and MIME type; None: we do not read it."""
    mime = base_mime(mime_type)
    name = PurePosixPath(file_name or "").name.lower()
    suffix = name.rpartition(".")[2] if "." in name else ""
    if data.startswith(_PDF_MAGIC) or mime == PDF_MIME or suffix == "pdf":
        return "pdf"
    if mime == DOCX_MIME or suffix == "docx":
        return "docx"
    if _is_text_type(mime, name, suffix) and not looks_binary(data):
        return "text"
    return None


def is_ole_container(data: bytes) -> bool:
    """Whether the bytes are an OLE compound file (old .doc, or an encrypted Office file)."""
    return data.startswith(_OLE_MAGIC)


def looks_binary(data: bytes) -> bool:
    """Whether the start of the bytes holds NUL bytes (text in UTF-16/32 says so with a BOM)."""
    return b"\x00" in data[:_SNIFF] and not data.startswith(_UNICODE_BOMS)


def _is_text_type(mime: str, name: str, suffix: str) -> bool:
    return (
        mime.startswith("text/")
        or mime in _TEXT_MIME
        or mime.endswith(("+json", "+xml"))
        or suffix in _TEXT_SUFFIXES
        or name in _TEXT_NAMES
    )
