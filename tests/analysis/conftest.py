"""Hand-made multilingual answers whose right grouping is obvious."""
import pytest

#: (text, language, topic): three topics, each written in several languages
ANSWERS = [
    # housing cost
    ("The rent is too expensive, I cannot afford my apartment", "en", "housing"),
    ("Rent keeps going up and housing is expensive", "en", "housing"),
    ("My landlord raised the rent again, housing costs too much", "en", "housing"),
    ("We spend half our income on rent", "en", "housing"),
    ("La renta es muy cara y no alcanza para la vivienda", "es", "housing"),
    ("El alquiler de la casa es demasiado caro", "es", "housing"),
    ("No puedo pagar la renta del apartamento", "es", "housing"),
    ("Tiền thuê nhà quá đắt", "vi", "housing"),
    ("房租太贵了，住房很难找", "zh_Hans", "housing"),
    ("Mahal ang upa sa bahay", "tl", "housing"),
    ("Lwaye a twò chè pou fanmi nou", "ht", "housing"),
    ("الإيجار غالي جدا والسكن مكلف", "ar", "housing"),
    # transportation
    ("The bus does not come often and the stop is far", "en", "transport"),
    ("No public transportation, the bus takes two hours", "en", "transport"),
    ("I have no car and the bus is always late", "en", "transport"),
    ("Need better buses and safe roads to get to work", "en", "transport"),
    ("El autobús no pasa y la parada está lejos", "es", "transport"),
    ("No tengo carro y el transporte público es malo", "es", "transport"),
    ("El camión tarda mucho y no tengo coche", "es", "transport"),
    ("버스가 너무 늦게 와요, 교통이 불편해요", "ko", "transport"),
    ("Xe buýt quá xa, không có xe", "vi", "transport"),
    ("公交车太少了，交通不方便", "zh-CN", "transport"),
    ("Walang jeep at malayo ang bus", "tl", "transport"),
    ("Pa gen bis, transpò a lwen", "ht", "transport"),
    # food
    ("Healthy food is hard to find, the grocery store is expensive", "en", "food"),
    ("We need fresh vegetables and fruit in the neighborhood", "en", "food"),
    ("Not enough food for my children, we go hungry", "en", "food"),
    ("The food pantry runs out of healthy food", "en", "food"),
    ("No hay comida saludable, las verduras y frutas son caras", "es", "food"),
    ("Mis hijos pasan hambre, necesitamos comida", "es", "food"),
    ("El supermercado está lejos y la comida es cara", "es", "food"),
    ("Thiếu thức ăn và rau cho con", "vi", "food"),
    ("没有健康的食物，蔬菜和水果太贵", "zh", "food"),
    ("음식이 부족하고 채소가 비싸요", "ko", "food"),
    ("Walang sapat na pagkain at gulay", "tl", "food"),
    ("Pa gen ase manje, legim yo chè", "ht", "food"),
]


@pytest.fixture
def answers():
    """Texts, language codes and the obvious topic of each."""
    texts = [a[0] for a in ANSWERS]
    languages = [a[1] for a in ANSWERS]
    topics = [a[2] for a in ANSWERS]
    return texts, languages, topics
