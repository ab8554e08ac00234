DossierSearchIndex.register("terms-001", {"2":")#",
"200":"$#",
"3":"$###",
"4":"%#",
"400":"$#"});
