DossierSearchIndex.register("terms-027", {"늘리":"$Vm2",
"늘었":"$Vm2$V]%",
"니다":"!ga!#f~K#ed1$c{.#]tD",
"답시":"$Vm2",
"답이":"$Vm2",
"대기":"'Zg(",
"도록":"#V~P",
"동으":"#V~P"});
