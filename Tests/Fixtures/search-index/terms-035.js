DossierSearchIndex.register("terms-035", {"원인":"$[ZC$Zg(",
"위치":"(WcK",
"으로":"#[~N#`uQ",
"응답":"$i~B",
"의":"$Vm2$V]%",
"이고":"!WU9",
"이브":"!]Y!",
"인이":"'V]%",
"인하":"(WcK"});
