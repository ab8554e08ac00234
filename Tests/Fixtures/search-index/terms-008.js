DossierSearchIndex.register("terms-008", {"reports":"%W_L",
"retention":"%]lF",
"root":"%]lF",
"runbook":"(]tD",
"script":")S_V9",
"security":")_g=",
"set":")X]/",
"settlement":"%]lF",
"shorter":"%W_L"});
