DossierSearchIndex.register("terms-029", {"려졌":"$Vm2",
"로그":"!]Y!#p~G%V]%",
"류가":"(WcK",
"률이":"#V~P",
"를":"$Vm2",
"리고":"$Vm2",
"리되":"!WU9",
"리스":"(WcK",
"리하":"#[~N"});
