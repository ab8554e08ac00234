DossierSearchIndex.register("terms-002", {"after":"%W_L",
"alert":")k|(",
"and":"%W_L%X]/",
"api":"$Vm2",
"application":")X]/",
"batch":"%rt-",
"by":"%W_L",
"cause":"%]lF",
"connection":")X]/"});
