"""Số liệu sơ kết 01 năm chính quyền cấp xã: from the catalog to the report."""
