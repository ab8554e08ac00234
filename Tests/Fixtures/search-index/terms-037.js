DossierSearchIndex.register("terms-037", {"전에":"(WcK",
"전환":"'V]%#cX;",
"절차":"(hj4",
"점검":"(WcK",
"정되":"$Vm2",
"정리":"!WU9#f~K",
"정으":"#V~P",
"정합":"$Vm2",
"제합":"!WU9"});
