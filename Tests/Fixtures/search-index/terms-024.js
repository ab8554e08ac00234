DossierSearchIndex.register("terms-024", {"~환경에서":"(#",
"가득":"!ga!",
"간에":"$Vm2",
"간이":"$Vm2",
"갈되":"$Vm2$c{.",
"갈로":"$`uQ",
"갑니":"#V~P",
"값이":"$Vm2",
"같은":"(WcK"});
