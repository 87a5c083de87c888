"""Pure array steps of the model: arrays (and an array namespace ``xp``) in, arrays out.

No kernel reads a :class:`sim.model.scenario.Scenario`: the engine builds the
typed batch (:mod:`sim.model.batch`) and hands each kernel the arrays it needs.
"""
