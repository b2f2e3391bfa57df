"""Small Dutch and English stop-word lists (after the Snowball project's lists).

Words so common that they say nothing about what a release or a blog is about.
"""

NL = frozenset("""
aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus
een eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets
ik in is ja je kan kon kunnen maar me meer men met mij mijn moet na naar niet niets nog nu of
om omdat onder ons ook op over reeds te tegen toch toen tot u uit uw van veel voor want waren
was wat werd wezen wie wil worden wordt zal ze zelf zich zij zijn zo zonder zou vanaf vandaag
per week dag elke alle hun wij we jullie uur binnen via
""".split())

EN = frozenset("""
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself
just me more most my myself no nor not now of off on once only or other our ours ourselves out
over own same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours yourself yourselves today new every per
day days week within
""".split())

