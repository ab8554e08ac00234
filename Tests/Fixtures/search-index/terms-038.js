DossierSearchIndex.register("terms-038", {"졌습":"$Vm2",
"조정":"$Vm2",
"조치":"!]Y!%W_L#yT;#hj4",
"주기":"!WU9",
"주문":"$Vm2",
"준비":"(]tD",
"줄이":"!WU9",
"지연":"$`uQ",
"차서":"!b]9"});
