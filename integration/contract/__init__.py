"""The decision contract: marshmallow schemas for cases in and the JSON shape of decisions out."""
