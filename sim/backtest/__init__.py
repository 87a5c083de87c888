"""The back-test: the model confronted with the record (issue 15).

``sim.backtest.history`` re-bases a scenario at a decision's month (date-true
evaluation); ``sim.backtest.decisions`` scores real decisions (``ceasefire
backtest``); ``sim.backtest.calibrate`` fits the judgement parameters to them
(``ceasefire calibrate``); ``sim.backtest.front`` tests the front out of sample.
"""
