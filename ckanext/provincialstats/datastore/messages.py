"""Loading messages shown to editors, each in English and Thai.

They are stored with the load status in both languages (the worker has no request
locale), so the resource page can show both whatever the reader's language.
"""

MESSAGES = {
    "too_large": (
        "The file is {size} MB, over the {limit} MB limit for loading into the DataStore. "
        "It stays downloadable as uploaded.",
        "ไฟล์มีขนาด {size} MB เกินขีดจำกัด {limit} MB สำหรับการนำเข้า DataStore "
        "ไฟล์ต้นฉบับยังดาวน์โหลดได้ตามเดิม",
    ),
    "private_url": (
        "The link points to a private, loopback or link-local address ({host}); it was "
        "not fetched.",
        "ลิงก์ชี้ไปยังที่อยู่ภายใน (private, loopback หรือ link-local) ({host}) "
        "จึงไม่ได้ดึงข้อมูล",
    ),
    "fetch_failed": (
        "The file could not be fetched from its link: {detail}",
        "ไม่สามารถดึงไฟล์จากลิงก์ได้: {detail}",
    ),
    "not_found": (
        "The uploaded file was not found in storage.",
        "ไม่พบไฟล์ที่อัปโหลดในที่จัดเก็บ",
    ),
    "encoding": (
        "The text encoding of the file could not be recognised (tried UTF-8, TIS-620 / "
        "Windows-874 and automatic detection).",
        "ไม่สามารถระบุรหัสอักขระของไฟล์ได้ (ลอง UTF-8, TIS-620 / Windows-874 "
        "และการตรวจหาอัตโนมัติแล้ว)",
    ),
    "parse": (
        "The file could not be read as {fmt}: {detail}",
        "ไม่สามารถอ่านไฟล์เป็น {fmt} ได้: {detail}",
    ),
    "no_header": (
        "The file has no header row (the first row is empty).",
        "ไฟล์ไม่มีแถวหัวตาราง (แถวแรกว่าง)",
    ),
    "database": (
        "The DataStore refused the data: {detail}",
        "DataStore ไม่รับข้อมูล: {detail}",
    ),
    "unexpected": (
        "Loading failed unexpectedly: {detail}",
        "การนำเข้าล้มเหลวโดยไม่คาดคิด: {detail}",
    ),
}


class LoadError(Exception):
    """A load that failed for a reason the editor can act on."""

    def __init__(self, code, **params):
        self.code = code
        self.params = params
        super().__init__(self.english())

    def english(self):
        return MESSAGES[self.code][0].format(**self.params)

    def thai(self):
        return MESSAGES[self.code][1].format(**self.params)

    def as_dict(self):
        return {"code": self.code, "en": self.english(), "th": self.thai()}
