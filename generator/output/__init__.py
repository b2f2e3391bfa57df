"""Orchestration: what changed, render into a staging folder, swap it in whole; `smr serve`."""
