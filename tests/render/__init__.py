"""Tests of dailybrief.render."""
