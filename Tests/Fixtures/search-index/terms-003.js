DossierSearchIndex.register("terms-003", {"cause":"%$",
"connection":")#",
"connections":"$$'(",
"data":"!#('",
"database":"%#",
"db":"$#",
"db01":"!%#$#$#$$$",
"delayed":"%#",
"during":"%%"});
