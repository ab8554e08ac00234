DossierSearchIndex.register("terms-006", {"longest":"%W_L",
"margin":")X]/",
"max":"$[ZC'k|(",
"max_connections":"$[ZC'k|(",
"nightly":"%hY9",
"number":")X]/",
"of":")X]/",
"old":"%byA",
"onerror":")X]/"});
