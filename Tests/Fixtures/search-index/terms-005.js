DossierSearchIndex.register("terms-005", {"inc":"%]lF#Zg(",
"inc-101":"%]lF",
"inc-102":"'Zg(",
"increased":"%W_L",
"is":")X]/",
"kb":"(]tD#_g=",
"kb-001":"(]tD",
"kb-002":")_g=",
"logrotate":"#V~P"});
