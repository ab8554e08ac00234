DossierSearchIndex.register("terms-026", {"그인":"'V]%",
"기를":"!WU9$Vm2",
"까지":"#V~P#Vm2$V]%",
"낮게":"$Vm2",
"넥션":"$nlQ$pm6",
"노드":"'V]%",
"누수":"'V]%",
"느려":"$Vm2",
"는지":"(WcK"});
