DossierSearchIndex.register("terms-036", {"일로":"!WU9",
"일을":"!WU9",
"임라":"'Zg(",
"입니":"(WcK",
"있습":"$Vm2",
"있었":"'V]%",
"자동":"#V~P",
"장애":"%W_L#yT;#hj4",
"전까":"'V]%"});
