"""Metadata quality: the data.europa.eu Metadata Quality Assessment (MQA) score of a
dataset plus a provincial dimension (``score``), fed by resource URL checks that run as
background jobs (``jobs``) and are kept in a table of their own (``model``)."""
