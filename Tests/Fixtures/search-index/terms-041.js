DossierSearchIndex.register("terms-041", {"풀이":"$Vm2$c{.",
"피크":"$Vm2",
"하고":"(WcK",
"하는":"#V~P'WcK",
"하도":"#V~P",
"하여":"'V]%",
"합니":"!WU9#[~N#Vm2%WcK",
"했습":"!WU9'Zg("});
