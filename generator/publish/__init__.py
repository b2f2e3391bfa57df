"""The publish plan (what to upload, skip, delete, in which order) and the S3 side; previews."""
