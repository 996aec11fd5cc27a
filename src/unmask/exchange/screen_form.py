"""The screening page's form (/screen/): a list uploaded, pasted, or carried back from the page
that asked which column holds the names; read in memory only, never written to disk.

An uploaded file stays in this process's memory (ListUpload, up to MAX_LIST_BYTES: Django would
write a larger upload to a temporary file); a list sent back by the page travels compressed in
a hidden field, so that choosing a column does not mean choosing the file again.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import io
import zlib

from django import forms
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from unmask.exchange import screen
from unmask.exchange.formats.csvfile import CsvError

MAX_LIST_BYTES = 10 * 1024 * 1024  # a file of this size holds far more than MAX_ROWS rows
MAX_ROWS = 10_000  # a list on the page; longer ones: the command line or the API, or in parts
MAX_PASTED = 2 * 1024 * 1024  # characters: Django's own limit on a form's fields is 2.5 MB


class ListUpload(FileUploadHandler):
    """Keeps an uploaded file in memory, never on disk; past MAX_LIST_BYTES it is dropped and
    `too_large` says so (the form then asks for a smaller list)."""

    too_large = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > MAX_LIST_BYTES:
            self.too_large = True
            self.buffer = io.BytesIO()
            raise SkipFile
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer,
            self.field_name,
            self.file_name,
            self.content_type,
            file_size,
            self.charset,
            self.content_type_extra,
        )


def carry(data: bytes) -> str:
    """A list as the page sends it back (gzip, then base64)."""
    return base64.b64encode(gzip.compress(data, compresslevel=6, mtime=0)).decode("ascii")


def uncarry(value: str) -> bytes | None:
    try:
        packed = base64.b64decode(value.encode("ascii"), validate=True)
        with gzip.GzipFile(fileobj=io.BytesIO(packed)) as unpacked:
            data = unpacked.read(MAX_LIST_BYTES + 1)
    except (ValueError, binascii.Error, OSError, EOFError, zlib.error):
        return None
    return data if len(data) <= MAX_LIST_BYTES else None


class ScreenForm(forms.Form):
    list = forms.FileField(
        label=_("A file"),
        required=False,
        help_text=_("CSV, Excel (XLSX) or text with a name a line, up to 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.tsv,.txt,.xlsx,text/csv,text/plain"}
        ),
    )
    pasted = forms.CharField(
        label=_("Or paste the list"),
        required=False,
        max_length=MAX_PASTED,
        strip=False,
        help_text=_("A name a line, or rows copied from a spreadsheet with their header."),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "dir": "auto"}),
    )
    carried = forms.CharField(required=False, widget=forms.HiddenInput)
    carried_name = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    name_column = forms.CharField(label=_("Names"), required=False, max_length=200)
    country_column = forms.CharField(label=_("Countries"), required=False, max_length=200)
    identifier_column = forms.CharField(label=_("Identifiers"), required=False, max_length=200)

    def __init__(self, *args, upload: ListUpload | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.upload = upload
        self.header: list[str] = []  # the list's columns, when the user is to choose them
        self.data_bytes = b""
        self.label = ""
        self.rows: list[screen.ListRow] = []

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        file = cleaned.get("list")
        if self.upload is not None and self.upload.too_large:
            raise forms.ValidationError(
                _("The file is larger than 10 MB: screen it in parts, or with the API."),
                code="too_large",
            )
        if file:
            self.data_bytes, self.label = file.read(), file.name
        elif cleaned.get("carried"):
            data = uncarry(cleaned["carried"])
            if data is None:
                raise forms.ValidationError(
                    _("The list came back damaged: please choose the file again."),
                    code="carried",
                )
            self.data_bytes, self.label = data, cleaned.get("carried_name") or "list"
        elif cleaned.get("pasted", "").strip():
            self.data_bytes, self.label = cleaned["pasted"].encode("utf-8"), "pasted"
        else:
            raise forms.ValidationError(_("Choose a file or paste a list."), code="empty")
        self.rows = self._read(cleaned)
        return cleaned

    def _read(self, cleaned) -> list[screen.ListRow]:
        chosen = None
        if cleaned.get("name_column"):
            chosen = screen.Columns(
                cleaned["name_column"],
                cleaned.get("country_column", ""),
                cleaned.get("identifier_column", ""),
            )
        rows: list[screen.ListRow] = []
        try:
            for row in screen.read_list(self.data_bytes, name=self.label, columns=chosen):
                rows.append(row)
                if len(rows) > MAX_ROWS:
                    raise forms.ValidationError(
                        ngettext(
                            "The list has more than %(count)s row: screen it in parts, or "
                            "with the API.",
                            "The list has more than %(count)s rows: screen it in parts, or "
                            "with the API.",
                            MAX_ROWS,
                        )
                        % {"count": number_format(MAX_ROWS, force_grouping=True)},
                        code="too_long",
                    )
        except screen.ListError as exc:
            if exc.header:
                self.header = exc.header
                raise forms.ValidationError(
                    _("Which column holds the names? Choose it below."), code="columns"
                ) from None
            raise forms.ValidationError(_unreadable(exc.line), code="read") from None
        except CsvError as exc:
            raise forms.ValidationError(_unreadable(exc.line), code="read") from None
        if not rows:
            raise forms.ValidationError(_("The list holds no names."), code="no_rows")
        return rows

    def carried_value(self) -> str:
        """The list to send back with the page (when the user is to choose its columns)."""
        return carry(self.data_bytes) if self.data_bytes else ""


def _unreadable(line: int) -> str:
    if line:
        return _(
            "The list could not be read at line %(line)s. A list is a CSV file with a header, "
            "a spreadsheet (XLSX), or text with a name a line."
        ) % {"line": line}
    return _(
        "The list could not be read. A list is a CSV file with a header, a spreadsheet (XLSX), "
        "or text with a name a line."
    )
