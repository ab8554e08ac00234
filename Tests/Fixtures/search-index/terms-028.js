DossierSearchIndex.register("terms-028", {"되어":"$[ZC$c{.",
"되지":"!WU9",
"드가":"'V]%",
"드로":"'V]%",
"디스":"!qh!#z~C",
"라갑":"#V~P",
"라인":"'Zg(",
"래된":"!WU9#a~L",
"레드":"'V]%"});
